package dev.workerclass.it;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;

import dev.workerclass.Blocking;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * One set of controllers for every worker class, as a user's app has: the starter, not the code,
 * decides how they run. Both Spring MVC and WebFlux are on the test class path.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApp {

	/** Handlers that saw an interrupt (a timed-out request's handler is interrupted). */
	static final AtomicInteger interrupted = new AtomicInteger();

	/** For tests that need the app in a process of its own, to send it a signal. */
	public static void main(String[] args) {
		SpringApplication.run(TestApp.class, args);
	}

	@RestController
	static class Routes {

		/** What {@code /sha} hashes: 64 KiB, as the demo's {@code /cpu}. */
		private static final byte[] SHA_INPUT = new byte[64 * 1024];

		@GetMapping("/interruptible")
		String interruptible(@RequestParam(defaultValue = "200") long ms) throws InterruptedException {
			try {
				Thread.sleep(ms);
			}
			catch (InterruptedException ex) {
				interrupted.incrementAndGet();
				throw ex;
			}
			return "hello";
		}

		/** Ignores interrupts: holds its thread until the time has passed, like a call stuck in C. */
		@GetMapping("/stubborn")
		String stubborn(@RequestParam(defaultValue = "200") long ms) {
			long end = System.nanoTime() + ms * 1_000_000;
			while (System.nanoTime() < end) {
				Thread.onSpinWait();
			}
			return "hello";
		}

		/** A mistake under reactive: a Mono that blocks the event loop it is subscribed on. */
		@GetMapping("/block-loop")
		Mono<String> blockLoop(@RequestParam(defaultValue = "1000") long ms) {
			return Mono.fromCallable(() -> {
				Thread.sleep(ms);
				return "blocked";
			});
		}

		/** A response that starts at once and takes {@code items × ms} to finish. */
		@GetMapping("/stream")
		Flux<String> stream(@RequestParam(defaultValue = "5") int items, @RequestParam(defaultValue = "100") long ms) {
			return Flux.interval(Duration.ZERO, Duration.ofMillis(ms)).take(items).map(String::valueOf);
		}

		/** A mistake Reactor catches on a non-blocking thread: block() inside a handler on the loop. */
		@GetMapping("/block-on-loop")
		Mono<String> blockOnLoop() {
			return Mono.fromCallable(() -> Mono.delay(Duration.ofMillis(10)).thenReturn("blocked").block());
		}

		/** CPU only: SHA-256 over 64 KiB, {@code rounds} times, as the demo's {@code /cpu}. */
		@GetMapping("/sha")
		String sha(@RequestParam(defaultValue = "20") int rounds) throws NoSuchAlgorithmException {
			byte[] digest = new byte[0];
			for (int round = 0; round < rounds; round++) {
				MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
				sha256.update(digest);
				sha256.update(SHA_INPUT);
				digest = sha256.digest();
			}
			return HexFormat.of().formatHex(digest);
		}

		@GetMapping("/fail")
		String fail() {
			throw new IllegalStateException("boom");
		}

		/** Runs on the offload pool whatever the worker class. */
		@Blocking
		@GetMapping("/blocking-thread")
		String blockingThread(@RequestParam(defaultValue = "0") long ms) throws InterruptedException {
			Thread.sleep(ms);
			return describe(Thread.currentThread());
		}

		/** A @Blocking handler behind a pattern rather than a literal path. */
		@Blocking
		@GetMapping("/blocking-item/{id}")
		String blockingItem(@PathVariable String id) {
			return id + " " + describe(Thread.currentThread());
		}

		@GetMapping("/test")
		String test(@RequestParam(defaultValue = "200") long ms) throws InterruptedException {
			Thread.sleep(ms);
			return "hello";
		}

		@GetMapping("/test-async")
		Mono<String> testAsync(@RequestParam(defaultValue = "200") long ms) {
			return Mono.delay(Duration.ofMillis(ms)).thenReturn("hello");
		}

		/** Which thread runs a blocking-style handler. */
		@GetMapping("/thread")
		String thread() {
			return describe(Thread.currentThread());
		}

		/** Which thread runs a non-blocking handler (the Mono is built and completed inline). */
		@GetMapping("/thread-async")
		Mono<String> threadAsync() {
			return Mono.fromSupplier(() -> describe(Thread.currentThread()));
		}

		private static String describe(Thread thread) {
			return thread.getName() + (thread.isVirtual() ? " virtual" : " platform");
		}

	}

}
