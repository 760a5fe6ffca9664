package dev.segments.user;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.segments.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.PGCopyOutputStream;

/**
 * Bulk replace of snapshots from NDJSON, in one transaction: a bad line rejects the whole import (400
 * naming the line), so nothing is half-loaded. The body is read line by line and each checked line is
 * streamed with {@code COPY} into a temporary table while PostgreSQL parses the previous ones, so
 * memory stays constant however many lines come; then a few set-based statements
 * ({@link ImportStaging}) map string ids, flag every imported user dirty (first, in user order, as every
 * writer takes its locks) and write the snapshots (the table's triggers keep the counts and the estimate
 * sample): the next incremental pass brings their memberships up to date. If a user appears on several lines, the last one wins.
 * Runs on a worker thread (blocking JDBC).
 */
@ApplicationScoped
public class UserImport {

    private static final Logger LOG = Logger.getLogger(UserImport.class);
    private static final int COPY_BUFFER = 1 << 16;

    private final AgroalDataSource dataSource;
    private final ObjectReader json;

    public UserImport(AgroalDataSource dataSource, ObjectMapper json) {
        this.dataSource = dataSource;
        this.json = json.reader();
    }

    /** Imports every line of the body; answers the number of users imported. */
    public long importLines(InputStream body) {
        try (Connection conn = dataSource.getConnection()) {
            conn.setAutoCommit(false);
            try {
                ImportStaging.create(conn);
                long start = System.nanoTime();
                long lines = stage(conn, body);
                LOG.infof("Import: %,d lines read, checked and copied in %d ms", lines, (System.nanoTime() - start) / 1_000_000);
                long imported = ImportStaging.apply(conn);
                conn.commit();
                return imported;
            } catch (SQLException | RuntimeException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
        } catch (SQLException e) {
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.startsWith("22") || state.equals("54000")) {
                // the safety net the reactive client's mapper is for the other endpoints: a value the checks
                // let through but the database cannot hold is the request's fault; nothing was committed
                throw ProblemException.badRequest("", "A value in the import cannot be stored: " + e.getMessage());
            }
            throw new IllegalStateException("import failed: " + e.getMessage(), e);
        }
    }

    /** Copies the checked lines into the staging table; a bad line cancels the copy and is thrown. */
    private long stage(Connection conn, InputStream body) throws SQLException {
        ImportLine parser = new ImportLine(json, ChangeRequests.micros(Instant.now()));
        PGCopyOutputStream copy = new PGCopyOutputStream(conn.unwrap(PGConnection.class), ImportStaging.COPY, COPY_BUFFER);
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), COPY_BUFFER)) {
            Writer out = new OutputStreamWriter(copy, StandardCharsets.UTF_8);
            long lineNumber = 0;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                lineNumber++;
                if (!line.isBlank()) {
                    out.append(parser.row(line, lineNumber));
                }
            }
            out.flush();
            return copy.endCopy();
        } catch (IOException | RuntimeException e) {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
    }
}
