package dev.segments.web.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segments.drift.AlertSettings;
import dev.segments.problem.ProblemException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class AlertFormTest {

    @Test
    void shouldTurnPercentIntoTheApiRatio() {
        var settings = AlertSettings.fromRequest(1, new AlertForm("25", "10", true, "12", "").toJson());
        assertEquals(0, new BigDecimal("0.25").compareTo(settings.relativeChange()));
        assertEquals(10, settings.minPreviousCount());
        assertEquals(12, settings.staleAfterHours());
        assertEquals(null, settings.destinationId());
    }

    @Test
    void shouldTurnEmptyOptionalFieldsOff() {
        var settings = AlertSettings.fromRequest(1, new AlertForm(" ", "0", false, "", "").toJson());
        assertEquals(null, settings.relativeChange());
        assertEquals(null, settings.staleAfterHours());
        assertEquals(false, settings.onZero());
    }

    @Test
    void shouldLetValidationNameAFieldThatIsNotANumber() {
        var e = assertThrows(ProblemException.class,
                () -> AlertSettings.fromRequest(1, new AlertForm("lots", "x", true, "12", "").toJson()));
        var pointers = e.toProblem().errors().stream().map(err -> err.pointer()).toList();
        assertTrue(pointers.contains("/relative_change"), pointers.toString());
        assertTrue(pointers.contains("/min_previous_count"), pointers.toString());
    }

    @Test
    void shouldShowStoredSettingsInPercent() {
        var form = AlertForm.of(new AlertSettings(1, new BigDecimal("0.125"), 100, true, null, 7L, null));
        assertEquals("12.5", form.relativePercent());
        assertEquals("", form.staleAfterHours());
        assertEquals("7", form.destinationId());
    }
}
