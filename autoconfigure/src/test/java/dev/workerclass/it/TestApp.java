package dev.workerclass.it;

import java.time.Duration;

import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * One set of controllers for every worker class, as a user's app has: the starter, not the code,
 * decides how they run. Both Spring MVC and WebFlux are on the test class path.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class TestApp {

	@RestController
	static class Routes {

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
