// Writes through Tether's proxy with pgJDBC (extended protocol throughout,
// BEGIN piggybacked on the first statement, COMMIT as a prepared statement).
//   java -cp /usr/share/java/postgresql.jar WritesJdbc.java   (PG* environment, TETHER_TAG)
// tst_driverwrites checks the output against tether-sim.
import java.sql.*;
import java.util.*;

public class WritesJdbc {
    public static void main(String[] args) throws Exception {
        String tag = System.getenv("TETHER_TAG");
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/"
                + System.getenv("PGDATABASE") + "?sslmode=disable";
        Properties props = new Properties();
        props.setProperty("user", System.getenv("PGUSER"));
        try (Connection conn = DriverManager.getConnection(url, props)) {
            String inserted;
            try (PreparedStatement ps = conn.prepareStatement(
                    "INSERT INTO salesforce.account (name, industry) VALUES (?, 'Energy') RETURNING id, createddate")) {
                ps.setString(1, "Drv " + tag + " A");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    inserted = rs.getString(1);
                    System.out.println("insert: " + inserted);
                    System.out.println("created: " + rs.getTimestamp(2).toInstant());
                }
            }
            try (PreparedStatement ps = conn.prepareStatement("UPDATE salesforce.account SET phone = ? WHERE id = ?")) {
                ps.setString(1, "+1 555 0101");
                ps.setString(2, inserted);
                System.out.println("update: " + ps.executeUpdate());
            }

            conn.setAutoCommit(false);
            String provisional;
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO salesforce.account (name) VALUES (?) RETURNING id")) {
                ps.setString(1, "Drv " + tag + " Parent");
                try (ResultSet rs = ps.executeQuery()) { rs.next(); provisional = rs.getString(1); }
            }
            System.out.println("provisional: " + provisional);
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO salesforce.contact (lastname, accountid) VALUES (?, ?)")) {
                ps.setString(1, "Drv " + tag + " Child");
                ps.setString(2, provisional);
                ps.executeUpdate();
            }
            conn.commit();
            String child;
            try (PreparedStatement ps = conn.prepareStatement("SELECT id FROM salesforce.account WHERE name = ?")) {
                ps.setString(1, "Drv " + tag + " Parent");
                try (ResultSet rs = ps.executeQuery()) { rs.next(); System.out.println("parent: " + rs.getString(1)); }
            }
            try (PreparedStatement ps = conn.prepareStatement("SELECT id, accountid FROM salesforce.contact WHERE lastname = ?")) {
                ps.setString(1, "Drv " + tag + " Child");
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    child = rs.getString(1);
                    System.out.println("child: " + child);
                    System.out.println("child account: " + rs.getString(2));
                }
            }
            conn.commit();

            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO salesforce.account (name) VALUES (?)")) {
                ps.setString(1, "Drv " + tag + " Rolled back");
                ps.executeUpdate();
            }
            conn.rollback();

            try (Statement st = conn.createStatement()) {
                st.executeUpdate("INSERT INTO salesforce.account (phone) VALUES ('no name')");
                conn.commit();
                System.out.println("refused: none");
            } catch (SQLException e) {
                System.out.println("refused: " + e.getSQLState());
                conn.rollback();
            }

            conn.setAutoCommit(true);
            int count = 0;
            try (PreparedStatement ps = conn.prepareStatement("UPDATE salesforce.contact SET title = ? WHERE id = ?")) {
                for (String title : List.of("Prepared 1", "Prepared 2")) {
                    ps.setString(1, title);
                    ps.setString(2, child);
                    count = ps.executeUpdate();
                }
            }
            System.out.println("prepared: " + count);
            // Generated keys from one statement executed again and again: after
            // the fifth time pgJDBC binds its named statement without describing it.
            List<String> keys = new ArrayList<>();
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO salesforce.contact (lastname) VALUES (?)",
                                                               Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 0; i < 8; i++) {
                    ps.setString(1, "Drv " + tag + " Key " + i);
                    ps.executeUpdate();
                    try (ResultSet rs = ps.getGeneratedKeys()) { rs.next(); keys.add(rs.getString("id")); }
                }
            }
            System.out.println("generated keys: " + keys.stream().filter(k -> k.startsWith("003")).count() + "/" + keys.size());
            System.out.println("last key: " + keys.get(keys.size() - 1));
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM salesforce.account WHERE id = ?")) {
                ps.setString(1, inserted);
                System.out.println("delete: " + ps.executeUpdate());
            }
            System.out.println("done");
        }
    }
}
