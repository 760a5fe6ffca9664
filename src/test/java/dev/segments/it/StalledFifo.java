package dev.segments.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A named pipe ({@code mkfifo}) at a path another process will write as a file, read up to a number of
 * bytes and then no more while it stays open: the writer blocks on the full pipe, in the middle of its
 * file, for as long as the test wants, with no sleep and no hook in the writer's code.
 */
final class StalledFifo implements AutoCloseable {

    private final Path path;
    private final CompletableFuture<byte[]> head = new CompletableFuture<>();
    private volatile InputStream in;

    private StalledFifo(Path path) {
        this.path = path;
    }

    /** Creates the pipe and starts reading its first {@code bytes} bytes once a writer opens it. */
    static StalledFifo create(Path path, int bytes) throws IOException, InterruptedException {
        Process mkfifo = new ProcessBuilder("mkfifo", path.toString()).redirectErrorStream(true).start();
        String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (mkfifo.waitFor() != 0) {
            throw new IOException("mkfifo " + path + " failed: " + output);
        }
        StalledFifo fifo = new StalledFifo(path);
        Thread reader = new Thread(() -> fifo.readHead(bytes), "stalled-fifo");
        reader.setDaemon(true); // blocked in open() for good if no writer ever comes
        reader.start();
        return fifo;
    }

    /** The first bytes written, once they are read; from then on the writer is blocked. */
    byte[] awaitHead(Duration timeout) throws InterruptedException, TimeoutException {
        try {
            return head.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("reading " + path + " failed", e.getCause());
        }
    }

    private void readHead(int bytes) {
        try {
            in = Files.newInputStream(path); // blocks until a writer opens the pipe
            head.complete(in.readNBytes(bytes));
        } catch (IOException | RuntimeException e) {
            head.completeExceptionally(e);
        }
    }

    /** Closes the reading end (a writer still alive then fails with a broken pipe) and deletes the pipe. */
    @Override
    public void close() {
        try {
            if (in != null) {
                in.close();
            }
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
