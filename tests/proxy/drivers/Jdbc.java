// The same conversation as the other driver scripts, through pgJDBC (pure
// Java protocol code; extended protocol, server-side prepared statements,
// batches pipelined before one Sync). Run as a single-file program:
//   java -cp /usr/share/java/postgresql.jar Jdbc.java   (PG* environment)
// tst_drivers compares a run straight to PostgreSQL with one through the proxy.
import java.math.BigDecimal;
import java.security.MessageDigest;
import java.sql.*;
import java.util.*;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;

public class Jdbc {
    static void show(String label, Object value) { System.out.println(label + ": " + value); }

    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/"
                + System.getenv("PGDATABASE") + "?sslmode=disable&prepareThreshold=1";
        Properties props = new Properties();
        props.setProperty("user", System.getenv("PGUSER"));
        try (Connection conn = DriverManager.getConnection(url, props)) {
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT 1, NULL::text, 'ünïcode'::text, 12.50::numeric(6,2), true, '\\x00ff'::bytea")) {
                rs.next();
                show("types", List.of(rs.getInt(1), String.valueOf(rs.getString(2)), rs.getString(3), rs.getBigDecimal(4),
                        rs.getBoolean(5), HexFormat.of().formatHex(rs.getBytes(6))));
            }
            // Server-side prepared statement reused (prepareThreshold=1).
            try (PreparedStatement ps = conn.prepareStatement("SELECT ?::int + ?, ?::text || '!', ? IS NULL")) {
                for (int i = 0; i < 3; i++) {
                    ps.setInt(1, 40 + i); ps.setInt(2, 2); ps.setString(3, "param" + i); ps.setNull(4, Types.VARCHAR);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        show("parameters", List.of(rs.getInt(1), rs.getString(2), rs.getBoolean(3)));
                    }
                }
            }
            try (Statement st = conn.createStatement()) {
                st.execute("CREATE TEMP TABLE driver_items(id serial PRIMARY KEY, name text NOT NULL, qty int)");
            }
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO driver_items(name, qty) VALUES (?, ?) RETURNING id, name")) {
                ps.setString(1, "a"); ps.setInt(2, 1);
                try (ResultSet rs = ps.executeQuery()) { rs.next(); show("insert returning", rs.getInt(1) + " " + rs.getString(2)); }
            }
            // A batch: many Bind/Execute pipelined before one Sync.
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO driver_items(name, qty) VALUES (?, ?)")) {
                for (int i = 0; i < 500; i++) { ps.setString(1, "batch" + i); ps.setInt(2, i); ps.addBatch(); }
                show("batch", Arrays.stream(ps.executeBatch()).sum());
            }
            conn.commit();
            try (Statement st = conn.createStatement()) {
                st.executeUpdate("DELETE FROM driver_items WHERE name LIKE 'batch%'");
            }
            conn.rollback();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), sum(qty) FROM driver_items")) {
                rs.next(); show("after rollback", rs.getLong(1) + " " + rs.getLong(2));
            }
            conn.commit();
            for (String sql : List.of("INSERT INTO driver_items(name) VALUES (NULL)", "SELECT 1/0")) {
                try (Statement st = conn.createStatement()) {
                    st.execute(sql);
                } catch (SQLException e) {
                    show("error", e.getSQLState() + " " + e.getMessage().lines().findFirst().orElse(""));
                    conn.rollback();
                }
            }
            // A batch with a failing row in the middle.
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO driver_items(name, qty) VALUES (?, ?)")) {
                for (int i = 0; i < 10; i++) { ps.setString(1, i == 5 ? null : "x" + i); ps.setInt(2, i); ps.addBatch(); }
                ps.executeBatch();
            } catch (BatchUpdateException e) {
                show("batch error", e.getSQLState());
                conn.rollback();
            }
            // Fetch size in a transaction: a portal read in pieces (PortalSuspended).
            try (Statement st = conn.createStatement()) {
                st.setFetchSize(700);
                long sum = 0;
                try (ResultSet rs = st.executeQuery("SELECT g FROM generate_series(1, 5000) g")) {
                    while (rs.next()) sum += rs.getLong(1);
                }
                show("fetch size", sum);
            }
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT g, md5(g::text) FROM generate_series(1, 100000) g")) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                int n = 0;
                while (rs.next()) { digest.update((rs.getInt(1) + rs.getString(2)).getBytes()); n++; }
                show("large result", n + " " + HexFormat.of().formatHex(digest.digest()));
            }
            conn.commit();
            conn.setAutoCommit(true);
            CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
            java.io.StringWriter out = new java.io.StringWriter();
            copy.copyOut("COPY (SELECT g, g * 2 FROM generate_series(1, 5000) g) TO STDOUT WITH (FORMAT csv)", out);
            show("copy out", HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(out.toString().getBytes())));
            StringBuilder in = new StringBuilder();
            for (int i = 1000; i < 21000; i++) in.append(i).append("\tcopied ").append(i).append('\t').append(i).append('\n');
            show("copy in", copy.copyIn("COPY driver_items(id, name, qty) FROM STDIN", new java.io.StringReader(in.toString())));
            try (Statement st = conn.createStatement()) {
                st.execute("DO $$BEGIN RAISE NOTICE 'notice %', 7; END$$");
                SQLWarning w = st.getWarnings();
                show("notice", w == null ? "none" : w.getMessage());
                st.execute("LISTEN driver_channel");
                st.execute("NOTIFY driver_channel, 'hello from pgjdbc'");
                st.execute("SELECT 1");
            }
            PGNotification[] notes = conn.unwrap(PGConnection.class).getNotifications();
            List<String> seen = new ArrayList<>();
            if (notes != null) for (PGNotification n : notes) seen.add(n.getName() + "=" + n.getParameter());
            show("notifications", seen);
        }
        System.out.println("done");
    }
}
