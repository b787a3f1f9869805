package dev.workerclass.it;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * An app with one web stack, as most users' apps are: plain controllers both Spring MVC and
 * WebFlux can serve, and nothing else (no Reactor types, which a Spring MVC app lacks).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(OneStackApp.Routes.class)
public class OneStackApp {

	@RestController
	static class Routes {

		/** The thread that ran the handler, after {@code ms} of sleep. */
		@GetMapping("/thread")
		String thread(@RequestParam(defaultValue = "0") long ms) throws InterruptedException {
			Thread.sleep(ms);
			Thread current = Thread.currentThread();
			return (current.isVirtual() ? "virtual " : "platform ") + current.getName();
		}

	}

}
