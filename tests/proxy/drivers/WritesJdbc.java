// Writes to synced tables through Tether's proxy with pgJDBC (extended
// protocol, server-side prepared statements from the first use). Connection
// from the PG* environment. Prints what the program saw; tst_writes checks it
// against tether-sim's own answers.
import java.sql.*;
import java.util.*;

public class WritesJdbc {
    public static void main(String[] args) throws Exception {
        String url = "jdbc:postgresql://" + System.getenv("PGHOST") + ":" + System.getenv("PGPORT") + "/"
                + System.getenv("PGDATABASE") + "?sslmode=disable&prepareThreshold=1";
        Properties props = new Properties();
        props.setProperty("user", System.getenv("PGUSER"));
        try (Connection conn = DriverManager.getConnection(url, props)) {
            String account;
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO salesforce.account (name) VALUES (?) RETURNING id")) {
                ps.setString(1, "JDBC Inc");
                try (ResultSet rs = ps.executeQuery()) { rs.next(); account = rs.getString(1); }
            }
            System.out.println("inserted " + account);
            try (PreparedStatement ps = conn.prepareStatement("UPDATE salesforce.account SET name = ? WHERE id = ?")) {
                for (String name : List.of("JDBC Renamed", "JDBC Renamed again")) { // the prepared statement reused
                    ps.setString(1, name); ps.setString(2, account);
                    System.out.println("updated " + ps.executeUpdate());
                }
            }
            conn.setAutoCommit(false);
            String parent;
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO salesforce.account (name) VALUES (?) RETURNING id")) {
                ps.setString(1, "JDBC Parent");
                try (ResultSet rs = ps.executeQuery()) { rs.next(); parent = rs.getString(1); }
            }
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO salesforce.contact (lastname, accountid) VALUES (?, ?)")) {
                ps.setString(1, "JDBC Child"); ps.setString(2, parent);
                ps.executeUpdate();
            }
            conn.commit();
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT c.id, c.accountid FROM salesforce.contact c WHERE c.lastname = 'JDBC Child'")) {
                rs.next();
                System.out.println("child " + rs.getString(1) + " " + rs.getString(2).startsWith("001"));
            }
            conn.commit();
            try (Statement st = conn.createStatement()) { st.executeUpdate("INSERT INTO salesforce.account (name) VALUES ('JDBC Rolled back')"); }
            conn.rollback();
            try (PreparedStatement ps = conn.prepareStatement("INSERT INTO salesforce.contact (firstname) VALUES (?)")) {
                ps.setString(1, "JDBC Nameless");
                ps.executeUpdate();
                conn.commit();
                System.out.println("refused no");
            } catch (SQLException e) {
                conn.rollback();
                System.out.println("refused " + e.getSQLState());
            }
            conn.setAutoCommit(true);
            try (PreparedStatement ps = conn.prepareStatement("DELETE FROM salesforce.account WHERE id = ?")) {
                ps.setString(1, account);
                System.out.println("deleted " + ps.executeUpdate());
            }
        }
    }
}
