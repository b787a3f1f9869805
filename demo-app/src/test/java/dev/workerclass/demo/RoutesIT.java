package dev.workerclass.demo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import dev.workerclass.workers.Workers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo serves the same bytes as the gunicorn peer ({@code shared/peers/peer_app.py}) under
 * every worker class, so benchmarks compare like with like.
 */
class RoutesIT {

	private final HttpClient client = HttpClient.newHttpClient();

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual", "reactive", "reactive@undertow" })
	void everyRouteAnswersAsThePeerDoes(String classAndEngine) throws Exception {
		String workerClass = classAndEngine.split("@")[0];
		String engine = classAndEngine.contains("@") ? classAndEngine.split("@")[1] : "";
		// Arguments, not default properties: the demo's application.yml sets a class of its own.
		List<String> arguments = new ArrayList<>(
				List.of("--server.port=0", "--server.worker-class=" + workerClass, "--server.workers=2"));
		if (!engine.isEmpty()) {
			arguments.add("--server.engine=" + engine);
		}
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DemoApplication.class)
			.run(arguments.toArray(String[]::new))) {
			assertThat(context.getBean(Workers.class).workerClass().canonicalName()).isEqualTo(workerClass);
			WebServer webServer = ((WebServerApplicationContext) context).getWebServer();
			if (!engine.isEmpty()) {
				assertThat(webServer.getClass().getSimpleName()).containsIgnoringCase(engine);
			}
			int port = webServer.getPort();
			assertThat(get(port, "/test?ms=10")).isEqualTo("hello");
			assertThat(get(port, "/test-async?ms=10")).isEqualTo("hello");
			assertThat(get(port, "/todos")).hasSize(145).startsWith("[{\"id\":1,\"title\":\"write peer app\",\"done\":true}");
			assertThat(get(port, "/static")).hasSize(4631).contains("<p>Lorem ipsum");
			// The peer's digest: SHA-256 chained 20 times over the same 64 KiB buffer.
			assertThat(get(port, "/cpu")).isEqualTo("6c0519b06bc43e47a249fcf0bf8b08430c614ce4f45238d1d600b316a0a63c83");
			// Only here, not in the peer: one of 10 pooled "connections" held for ms.
			assertThat(get(port, "/db?ms=5")).startsWith("{\"waitedMs\":").contains("\"connections\":10}");
			assertThat(status(port, "/db?ms=10001")).isEqualTo(400);
			assertThat(status(port, "/db?ms=-1")).isEqualTo(400);
		}
	}

	private int status(int port, String path) throws Exception {
		return this.client
			.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
					HttpResponse.BodyHandlers.discarding())
			.statusCode();
	}

	private String get(int port, String path) throws Exception {
		HttpResponse<String> response = this.client.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return response.body();
	}

}
