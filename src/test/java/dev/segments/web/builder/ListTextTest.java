package dev.segments.web.builder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ListTextTest {

    @Test
    void shouldReadWhatPeopleType() {
        assertEquals(List.of("US", "CA", "GB"), ListText.split("US, CA,GB"));
        assertEquals(List.of("US", "CA"), ListText.split(" US ,, CA, "));
        assertEquals(List.of("Smith, John", "Doe"), ListText.split("\"Smith, John\", Doe"));
        assertEquals(List.of("say \"hi\"", " padded ", ""), ListText.split("\"say \"\"hi\"\"\", \" padded \", \"\""));
        assertEquals(List.of("5\" screen"), ListText.split("5\" screen"));
        assertEquals(List.of("open, quote"), ListText.split("\"open, quote"));
        assertEquals(List.of(), ListText.split("  "));
    }

    @Test
    void shouldQuoteOnlyTheValuesThatNeedIt() {
        assertEquals("US, CA", ListText.join(List.of("US", "CA")));
        assertEquals("\"Smith, John\", \"say \"\"hi\"\"\", \" padded\", \"\", 𝄞",
                ListText.join(List.of("Smith, John", "say \"hi\"", " padded", "", "𝄞")));
    }

    @Property(tries = 2_000)
    void shouldGiveBackEveryListItWrote(@ForAll("lists") List<String> values) {
        assertEquals(values, ListText.split(ListText.join(values)));
    }

    @Provide
    Arbitrary<List<String>> lists() {
        return Arbitraries.strings().withChars('a', 'Z', ' ', ',', '"', '\t', 'é').withChars("𝄞").ofMaxLength(8)
                .list().ofMaxSize(6);
    }
}
