package dev.workerclass.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real server of the test app on a free loopback port, started the way a user's app starts
 * (so the environment post-processor picks the web stack), and a real HTTP client against it.
 */
final class RunningServer implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final ConfigurableApplicationContext context;

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private RunningServer(ConfigurableApplicationContext context) {
		this.context = context;
	}

	static RunningServer start(Class<?> app, String... properties) {
		// Command-line arguments: they win over any configuration file, as the test means them to.
		// A property given twice keeps its last value (repeated arguments would be joined with commas).
		Map<String, String> arguments = new LinkedHashMap<>();
		Stream.concat(Stream.of("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off"),
				Stream.of(properties))
			.forEach((property) -> arguments.put(property.substring(0, property.indexOf('=')), property));
		String[] all = arguments.values().stream().map((property) -> "--" + property).toArray(String[]::new);
		return new RunningServer(new SpringApplicationBuilder(app).run(all));
	}

	static RunningServer start(String... properties) {
		return start(TestApp.class, properties);
	}

	/** {@code GET /actuator/workers} as a map (the test exposes the endpoint). */
	@SuppressWarnings("unchecked")
	Map<String, Object> workers() {
		return JSON.readValue(get("/actuator/workers").body(), Map.class);
	}

	/** The body of a 503, which must be a problem detail. */
	@SuppressWarnings("unchecked")
	static Map<String, Object> problem(HttpResponse<String> response) {
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		return JSON.readValue(response.body(), Map.class);
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	WebServer webServer() {
		return ((WebServerApplicationContext) this.context).getWebServer();
	}

	URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + webServer().getPort() + pathAndQuery);
	}

	HttpResponse<String> get(String pathAndQuery) {
		return get(uri(pathAndQuery));
	}

	HttpResponse<String> post(String pathAndQuery, String json) {
		return post(uri(pathAndQuery), json);
	}

	HttpResponse<String> post(URI uri, String json) {
		try {
			return this.client.send(HttpRequest.newBuilder(uri)
				.timeout(Duration.ofSeconds(30))
				.header("Content-Type", "application/json")
				.POST((json != null) ? HttpRequest.BodyPublishers.ofString(json) : HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	HttpResponse<String> get(URI uri) {
		try {
			return this.client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Sends a request without waiting for its answer, on the shared client's keep-alive connections. */
	CompletableFuture<HttpResponse<String>> getAsyncKeepAlive(String pathAndQuery) {
		return this.client.sendAsync(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/** Sends a request without waiting for its answer. */
	CompletableFuture<HttpResponse<String>> getAsync(String pathAndQuery) {
		HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		return fresh.sendAsync(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	/**
	 * Sends {@code count} requests at once, each on its own connection, and returns how long the
	 * last one took to answer. Every answer must be 200 "hello".
	 */
	Duration timeConcurrent(int count, String pathAndQuery) {
		get(pathAndQuery); // warm up: the first request pays for class loading and JIT
		List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			// A fresh client each: no connection can be shared, as with separate users.
			HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
			replies.add(fresh.sendAsync(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60)).build(),
					HttpResponse.BodyHandlers.ofString()));
		}
		CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		for (CompletableFuture<HttpResponse<String>> reply : replies) {
			assertThat(reply.join().statusCode()).isEqualTo(200);
			assertThat(reply.join().body()).isEqualTo("hello");
		}
		return elapsed;
	}

	/** Like {@link #timeConcurrent} for routes whose body is not "hello": only the status is checked. */
	Duration timeConcurrentBody(int count, String pathAndQuery) {
		get(pathAndQuery);
		List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			replies.add(getAsync(pathAndQuery));
		}
		CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).join();
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
		replies.forEach((reply) -> assertThat(reply.join().statusCode()).isEqualTo(200));
		return elapsed;
	}

	/** One request over a raw socket, returning the whole exchange as the server sent it, up to its close. */
	String rawExchange(String pathAndQuery) throws IOException {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", webServer().getPort()), 10_000);
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			// readAllBytes returns only when the server closes the connection (or times out).
			return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

}
