package dev.workerclass.autoconfigure;

import dev.workerclass.webflux.IncompatibleHandlersException;
import dev.workerclass.webflux.WebFluxHandlerCheck;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reactive class checks the application's controllers, and a refusal reads as Boot's failure
 * report: every offending method with what offends, and the way out.
 */
class WebFluxHandlerFailureAnalyzerTests {

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with(WebFluxAutoConfiguration.class))
		.withPropertyValues("server.worker-class=reactive");

	@Controller
	static class MvcController {

		@PostMapping("/save")
		String save(RedirectAttributes attributes) {
			return "redirect:/";
		}

		@GetMapping("/page")
		ModelAndView page() {
			return new ModelAndView("page");
		}

	}

	@Test
	void aReactiveApplicationGetsTheCheck() {
		this.reactive.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(WebFluxHandlerCheck.class));
	}

	@Test
	void aServletApplicationDoesNotGetTheCheck() {
		new WebApplicationContextRunner()
			.withConfiguration(WorkerClassAutoConfigurations.with())
			.run((context) -> assertThat(context).doesNotHaveBean(WebFluxHandlerCheck.class));
	}

	@Test
	void theReportListsEveryMethodItsProblemsAndTheServletClasses() {
		this.reactive.withUserConfiguration(MvcController.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			FailureAnalysis analysis = new WebFluxHandlerFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getCause()).isInstanceOf(IncompatibleHandlersException.class);
			assertThat(analysis.getDescription())
				.startsWith("2 controller methods cannot run on Spring WebFlux")
				.contains("\n    WebFluxHandlerFailureAnalyzerTests.MvcController#page()\n"
						+ "        - return type ModelAndView: ")
				.contains("\n    WebFluxHandlerFailureAnalyzerTests.MvcController#save(RedirectAttributes)\n"
						+ "        - parameter RedirectAttributes: ")
				.contains("server.worker-class=sync, thread or virtual");
			assertThat(analysis.getAction()).contains("server.worker-class")
				.contains("Rendering")
				.contains("\"redirect:...\"")
				.contains("Model instead of ModelMap");
		});
	}

}
