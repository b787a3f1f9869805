package dev.workerclass.it;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** A Spring MVC app as many are written: fine under the servlet classes, not on WebFlux. */
@SpringBootConfiguration
@EnableAutoConfiguration
public class ServletOnlyHandlersApp {

	@Controller
	static class Orders {

		@PostMapping("/orders")
		String create(@RequestParam String name, RedirectAttributes attributes) {
			attributes.addFlashAttribute("created", name);
			return "redirect:/orders";
		}

		@GetMapping("/orders")
		ModelAndView list() {
			return new ModelAndView("orders");
		}

		/** WebFlux runs this one as it is. */
		@GetMapping("/orders/count")
		String count() {
			return "orders-count";
		}

	}

}
