package dev.workerclass.it;

import java.util.concurrent.atomic.AtomicBoolean;

import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * Blocking-style WebFlux handlers for {@code server.offload=auto}: one that only computes, one
 * that waits, one that reads a body, and one that computes until told to block. Each answers
 * with the name of the thread that ran it.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
public class AutoOffloadApp {

	/** Makes {@code /sometimes-slow} sleep 1.5 s a call from now on. */
	static final AtomicBoolean slow = new AtomicBoolean();

	@RestController
	static class Routes {

		@GetMapping("/compute")
		String compute() {
			return Thread.currentThread().getName();
		}

		@GetMapping("/waits")
		String waits() throws InterruptedException {
			Thread.sleep(3);
			return Thread.currentThread().getName();
		}

		@PostMapping("/echo")
		String echo(@RequestBody String body) {
			return Thread.currentThread().getName();
		}

		@GetMapping("/sometimes-slow")
		String sometimesSlow() throws InterruptedException {
			if (slow.get()) {
				Thread.sleep(1500);
			}
			return Thread.currentThread().getName();
		}

		/** Runs on the loop whatever the mode: what shows whether the loop answers. */
		@GetMapping("/loop")
		Mono<String> loop() {
			return Mono.fromSupplier(() -> Thread.currentThread().getName());
		}

	}

}
