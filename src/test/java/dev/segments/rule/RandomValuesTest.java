package dev.segments.rule;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The generators the property tests draw from must only write dates that RULES.md accepts as dates. */
class RandomValuesTest {

    @Test
    void shouldWriteOnlyValidDates() {
        Random random = new Random(20261127);
        for (int i = 0; i < 200_000; i++) {
            String date = RandomValues.date(random);
            assertNotEquals(Dates.NOT_A_DATE, Dates.micros(date), date);
        }
    }
}
