package dev.segments.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** What one fault test did, written to {@code target/it-figures/<name>.txt} for the README's Reliability section. */
final class FaultFigures {

    private final String name;
    private final List<String> notes = new ArrayList<>();
    private final AtomicLong faults = new AtomicLong();
    private final AtomicLong eventsSent = new AtomicLong();
    private final AtomicLong eventsAccepted = new AtomicLong();
    private final AtomicLong rowsChecked = new AtomicLong();
    private final AtomicLong mismatches = new AtomicLong();

    private FaultFigures(String name) {
        this.name = name;
    }

    static FaultFigures of(String name) {
        return new FaultFigures(name);
    }

    void fault() {
        faults.incrementAndGet();
    }

    void events(long sent, long accepted) {
        eventsSent.addAndGet(sent);
        eventsAccepted.addAndGet(accepted);
    }

    /** A comparison with the expected state: rows compared and the rows that differed. */
    void checked(long rows, long differing) {
        rowsChecked.addAndGet(rows);
        mismatches.addAndGet(differing);
    }

    synchronized void add(String note) {
        notes.add(note);
    }

    synchronized void write() {
        StringBuilder text = new StringBuilder(name).append(": faults injected ").append(faults)
                .append(", events sent ").append(eventsSent).append(" (accepted ").append(eventsAccepted)
                .append("), rows checked ").append(rowsChecked).append(", mismatches ").append(mismatches).append('\n');
        notes.forEach(note -> text.append("- ").append(note).append('\n'));
        try {
            Path file = Path.of("target", "it-figures", name + ".txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println(text);
    }
}
