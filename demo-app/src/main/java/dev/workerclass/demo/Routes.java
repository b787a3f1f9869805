package dev.workerclass.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Semaphore;

import dev.workerclass.Blocking;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * The same routes and bytes as the gunicorn peer ({@code shared/peers/peer_app.py}), written once
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

	/**
	 * The connections of {@code /db}: a fair semaphore of 10 permits standing for a JDBC pool of 10
	 * connections. Requests past the tenth wait for a permit, first come first served.
	 */
	static final int DB_CONNECTIONS = 10;

	private static final Semaphore DB_POOL = new Semaphore(DB_CONNECTIONS, true);

	/** What {@code /db} answers: how long the request waited for a connection, and held it. */
	public record DbCall(long waitedMs, long heldMs, int connections) {
	}

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

	/**
	 * A database call: takes one of {@link #DB_CONNECTIONS} connections (waiting for one if all are
	 * taken), holds it {@code ms} milliseconds (default 20, 0 to 10,000), gives it back. Blocking: it
	 * runs on the offload pool under {@code reactive}, as every method with a plain return type does.
	 */
	@GetMapping(path = "/db", produces = MediaType.APPLICATION_JSON_VALUE)
	public DbCall db(@RequestParam(defaultValue = "20") long ms) throws InterruptedException {
		if (ms < 0 || ms > 10_000) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "ms must be from 0 to 10000");
		}
		long start = System.nanoTime();
		DB_POOL.acquire();
		long acquired = System.nanoTime();
		try {
			Thread.sleep(ms);
		}
		finally {
			DB_POOL.release();
		}
		long done = System.nanoTime();
		return new DbCall((acquired - start) / 1_000_000, (done - acquired) / 1_000_000, DB_CONNECTIONS);
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

	/**
	 * gevent's C-extension trap: blocks in C ({@code sleep(3)} via FFM). Under {@code virtual} each call
	 * holds a carrier, so the whole server serves only as many at once as there are carriers.
	 */
	@GetMapping(path = "/native-sleep", produces = MediaType.TEXT_PLAIN_VALUE)
	public String nativeSleep(@RequestParam(defaultValue = "1") int seconds) {
		checkSeconds(seconds);
		NativeSleep.sleep(seconds);
		return "slept " + seconds + "s in C";
	}

	/** The fix, gunicorn's "move the C call into another process": the same call on the offload pool. */
	@Blocking
	@GetMapping(path = "/native-sleep-offloaded", produces = MediaType.TEXT_PLAIN_VALUE)
	public String nativeSleepOffloaded(@RequestParam(defaultValue = "1") int seconds) {
		checkSeconds(seconds);
		NativeSleep.sleep(seconds);
		return "slept " + seconds + "s in C, offloaded";
	}

	private static void checkSeconds(int seconds) {
		if (seconds < 0 || seconds > 60) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "seconds must be from 0 to 60");
		}
	}

	static int staticPageBytes() {
		return STATIC_PAGE.getBytes(StandardCharsets.UTF_8).length;
	}

}
