package dev.workerclass.it;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An app whose requests each run one slow query on a HikariCP pool of two connections to H2 in
 * memory: a pool smaller than the workers, the limit the advice must name.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class JdbcPoolApp {

	static final String POOL_NAME = "WorkloadItPool";

	/** What {@code CALL SLEEP(ms)} runs: H2 has no sleep of its own. */
	public static int sleep(int ms) throws InterruptedException {
		Thread.sleep(ms);
		return ms;
	}

	@Bean(destroyMethod = "close")
	HikariDataSource dataSource() throws SQLException {
		HikariConfig config = new HikariConfig();
		config.setJdbcUrl("jdbc:h2:mem:workload;DB_CLOSE_DELAY=-1");
		config.setUsername("sa");
		config.setMaximumPoolSize(2);
		config.setPoolName(POOL_NAME);
		config.setConnectionTimeout(30_000);
		HikariDataSource dataSource = new HikariDataSource(config);
		try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE ALIAS IF NOT EXISTS SLEEP FOR 'dev.workerclass.it.JdbcPoolApp.sleep'");
		}
		return dataSource;
	}

	@RestController
	static class Queries {

		private final DataSource dataSource;

		Queries(DataSource dataSource) {
			this.dataSource = dataSource;
		}

		/** A query that holds its connection {@code ms} milliseconds. */
		@GetMapping("/query")
		String query(@RequestParam(defaultValue = "50") int ms) throws SQLException {
			try (Connection connection = this.dataSource.getConnection();
					Statement statement = connection.createStatement()) {
				statement.execute("CALL SLEEP(" + ms + ")");
			}
			return "hello";
		}

	}

}
