package dev.workerclass.bench.plain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * A copy of the demo's {@code dev.workerclass.demo.Routes} (without the FFM native-call routes,
 * which need the starter's {@code @Blocking}): the same routes and bytes as the gunicorn peer ({@code shared/peers/peer_app.py}), written once
 * in blocking style: the worker class decides how they run.
 */
@RestController
public class Routes {

	static final String PARAGRAPH = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
			+ "tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim "
			+ "veniam, quis nostrud exercitation ullamco laboris nisi ut aliquip ex ea "
			+ "commodo consequat. Duis aute irure dolor in reprehenderit in voluptate "
			+ "velit esse cillum dolore eu fugiat nulla pariatur. Excepteur sint "
			+ "occaecat cupidatat non proident, sunt in culpa qui officia deserunt " + "mollit anim id est laborum.";

	static final String STATIC_PAGE = "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>static</title>"
			+ "</head>\n<body>\n" + ("<p>" + PARAGRAPH + "</p>\n").repeat(10) + "</body></html>\n";

	private static final byte[] CPU_BUFFER = new byte[64 * 1024];

	static {
		for (int i = 0; i < CPU_BUFFER.length; i++) {
			CPU_BUFFER[i] = (byte) (i % 251);
		}
	}

	/** One todo, serialised as {@code {"id":1,"title":"...","done":true}}. */
	public record Todo(int id, String title, boolean done) {
	}

	private static final List<Todo> TODOS = List.of(new Todo(1, "write peer app", true),
			new Todo(2, "measure workers", false), new Todo(3, "compare with java", false));

	/** The articles' handler: a blocking 200 ms sleep, then "hello". */
	@GetMapping(path = "/test", produces = MediaType.TEXT_PLAIN_VALUE)
	public String test(@RequestParam(defaultValue = "200") long ms) throws InterruptedException {
		Thread.sleep(ms);
		return "hello";
	}

	/** The non-blocking twin of {@code /test}: nothing waits, a timer completes the reply. */
	@GetMapping(path = "/test-async", produces = MediaType.TEXT_PLAIN_VALUE)
	public Mono<String> testAsync(@RequestParam(defaultValue = "200") long ms) {
		return Mono.delay(Duration.ofMillis(ms)).thenReturn("hello");
	}

	@GetMapping(path = "/todos", produces = MediaType.APPLICATION_JSON_VALUE)
	public List<Todo> todos() {
		return TODOS;
	}

	@GetMapping(path = "/static", produces = MediaType.TEXT_HTML_VALUE)
	public String staticPage() {
		return STATIC_PAGE;
	}

	/** CPU-bound: SHA-256 chained 20 times over a 64 KiB buffer, as the peer does. */
	@GetMapping(path = "/cpu", produces = MediaType.TEXT_PLAIN_VALUE)
	public String cpu() throws NoSuchAlgorithmException {
		byte[] digest = new byte[0];
		for (int round = 0; round < 20; round++) {
			MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
			sha256.update(digest);
			sha256.update(CPU_BUFFER);
			digest = sha256.digest();
		}
		return HexFormat.of().formatHex(digest);
	}

	static int staticPageBytes() {
		return STATIC_PAGE.getBytes(StandardCharsets.UTF_8).length;
	}

}
