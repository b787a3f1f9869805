package dev.workerclass.slices;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import dev.workerclass.workers.ReactiveWorkers;
import dev.workerclass.workers.Workers;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/** A test on a real server is where the class applies: with both stacks present, reactive still runs WebFlux. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.worker-class=reactive", "server.address=127.0.0.1" })
class RandomPortUnderReactiveClassTests {

	@Autowired
	private ApplicationContext context;

	@Autowired
	private Workers workers;

	@LocalServerPort
	private int port;

	@Test
	void theServerRunsTheClass() throws Exception {
		assertThat(this.context).isInstanceOf(ReactiveWebServerApplicationContext.class);
		assertThat(this.workers).isInstanceOf(ReactiveWorkers.class);
		try (HttpClient client = HttpClient.newHttpClient()) {
			HttpResponse<String> response = client.send(
					HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/hello")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.body()).isEqualTo("hello");
		}
	}

}
