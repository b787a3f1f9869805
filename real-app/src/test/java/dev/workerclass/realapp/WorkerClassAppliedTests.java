package dev.workerclass.realapp;

import java.net.http.HttpResponse;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that the worker class the build passes as the system property {@code server.worker-class}
 * is the one serving the app: each surefire execution runs the same tests under another class.
 * Same configuration as {@link RealAppHttpTests}, so the two share one application context.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class WorkerClassAppliedTests {

	/** The class the starter uses when none is set (Tomcat's own 200-thread pool). */
	private static final String DEFAULT_CLASS = "thread";

	@LocalServerPort
	private int port;

	private static String expectedClass() {
		return System.getProperty("server.worker-class", DEFAULT_CLASS);
	}

	@Test
	void workersEndpointReportsTheClassOfThisRun() {
		HttpResponse<String> workers = new Browser(this.port).get("/actuator/workers");
		assertThat(workers.statusCode()).isEqualTo(200);
		assertThat(JsonPath.<String>read(workers.body(), "$.workerClass")).isEqualTo(expectedClass());
	}

	@Test
	void onlySyncClosesTheConnectionAfterEachResponse() {
		HttpResponse<String> page = new Browser(this.port).get("/owners");
		assertThat(page.statusCode()).isEqualTo(200);
		if (expectedClass().equals("sync")) {
			assertThat(page.headers().allValues("Connection")).containsExactly("close");
		}
		else {
			assertThat(page.headers().allValues("Connection")).doesNotContain("close");
		}
	}

}
