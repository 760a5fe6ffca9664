package dev.segments.rule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every operator is defined on the wire and in both backends. */
class OperatorTablesTest {

    @Test
    void shouldHaveAJavaEvaluationForEveryOperator() {
        for (Operator op : Operator.values()) {
            assertTrue(JavaOperators.TABLE.containsKey(op), "Java evaluator misses " + op);
        }
    }

    @Test
    void shouldHaveASqlCompilationForEveryOperator() {
        for (Operator op : Operator.values()) {
            assertTrue(SqlOperators.TABLE.containsKey(op), "SQL compiler misses " + op);
        }
    }

    @Test
    void shouldFindEveryOperatorByItsWireNameOnly() {
        for (Operator op : Operator.values()) {
            assertEquals(Optional.of(op), Operator.fromWire(op.wire()));
            assertEquals(Optional.empty(), Operator.fromWire(op.wire().toUpperCase(java.util.Locale.ROOT)));
        }
    }
}
