package dev.workerclass.slices;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A user's app, as its own test slices see it: one controller that both web stacks can serve. */
@SpringBootApplication
public class SliceApp {

	@RestController
	static class Greeting {

		@GetMapping("/hello")
		String hello() {
			return "hello";
		}

	}

}
