package dev.segments.testing;

import io.quarkus.test.junit.callback.QuarkusTestBeforeClassCallback;
import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;
import io.restassured.filter.FilterContext;
import io.restassured.response.Response;
import io.restassured.specification.FilterableRequestSpecification;
import io.restassured.specification.FilterableResponseSpecification;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Every Quarkus test calls the app as the test profile's admin (the bootstrap token
 * {@code %test.segments.auth.admin-token}): rest-assured sends it by default, and clients of their own
 * add {@link #header()}. A test class marked {@link NoDefaultAuth} sends nothing unless it says so.
 * Registered in {@code META-INF/services} as a Quarkus test callback.
 */
public class TestAuth implements QuarkusTestBeforeClassCallback, QuarkusTestBeforeEachCallback {

    /** The admin of the test profile ({@code %test.segments.auth.admin-username/-password}). */
    public static final String ADMIN_USERNAME = "admin";

    /** Test classes that set credentials per request themselves (the access-control tests). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    public @interface NoDefaultAuth {
    }

    @Override
    public void beforeClass(Class<?> testClass) {
        install(testClass);
    }

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        install(context.getTestInstance().getClass());
    }

    /** The admin's bearer token. */
    public static String adminToken() {
        return ConfigProvider.getConfig().getValue("segments.auth.admin-token", String.class);
    }

    public static String adminPassword() {
        return ConfigProvider.getConfig().getValue("segments.auth.admin-password", String.class);
    }

    /** The value of an {@code Authorization} header carrying the admin token. */
    public static String header() {
        return "Bearer " + adminToken();
    }

    private static void install(Class<?> testClass) {
        List<Filter> filters = new ArrayList<>(RestAssured.filters());
        filters.removeIf(AdminHeader.class::isInstance);
        if (!testClass.isAnnotationPresent(NoDefaultAuth.class)) {
            filters.add(new AdminHeader());
        }
        RestAssured.replaceFiltersWith(filters);
    }

    /** Adds the admin's token to a request that carries no Authorization header of its own. */
    private static final class AdminHeader implements Filter {
        @Override
        public Response filter(FilterableRequestSpecification request, FilterableResponseSpecification response,
                FilterContext context) {
            if (!request.getHeaders().hasHeaderWithName("Authorization")) {
                request.header("Authorization", header());
            }
            return context.next(request, response);
        }
    }
}
