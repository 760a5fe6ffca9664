package dev.segments.json;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;

/**
 * Keeps decimal numbers as written (no silent rounding through double when attributes are stored);
 * rules still compare numbers as IEEE-754 doubles, as RULES.md says.
 */
@Singleton
public class JsonSetup implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
        mapper.configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false); // 10.0 stays 10.0, not 1E+1
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    }
}
