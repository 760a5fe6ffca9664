package dev.segments.api;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/** The body of a page of a collection: {@code {<name>: [...], "next_after": <last id or null>}}. */
public final class PageBody {

    private PageBody() {
    }

    public static <T> Map<String, Object> of(String name, List<T> page, int size, ToLongFunction<T> id) {
        Map<String, Object> body = new HashMap<>();
        body.put(name, page);
        body.put("next_after", page.size() == size ? id.applyAsLong(page.get(page.size() - 1)) : null);
        return body;
    }
}
