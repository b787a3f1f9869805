package dev.workerclass.it;

import java.util.ArrayList;
import java.util.List;

import dev.workerclass.webflux.IncompatibleHandlersException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code reactive} refuses, at start-up, an application whose controllers only Spring MVC can run,
 * and says which methods and why in Boot's failure report, instead of starting and answering 500.
 */
@ExtendWith(OutputCaptureExtension.class)
class ReactiveHandlerCheckIT {

	@Test
	void reactiveRefusesToStartAnAppWithRedirectAttributesAndModelAndViewHandlers(CapturedOutput output) {
		assertThatThrownBy(() -> RunningServer.start(ServletOnlyHandlersApp.class, "server.worker-class=reactive"))
			.satisfies((ex) -> assertThat(causes(ex)).hasAtLeastOneElementOfType(IncompatibleHandlersException.class));
		// Boot's failure report, as the user sees it, written by the registered analyzers.
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("2 controller methods cannot run on Spring WebFlux")
			.contains("ServletOnlyHandlersApp.Orders#create(String, RedirectAttributes)")
			.contains("parameter RedirectAttributes: ")
			.contains("ServletOnlyHandlersApp.Orders#list()")
			.contains("return type ModelAndView: ")
			.contains("server.worker-class=sync, thread or virtual")
			.doesNotContain("Orders#count()")
			.doesNotContain("Netty started on port");
	}

	@Test
	void theSameAppStartsUnderAServletClass() {
		try (RunningServer server = RunningServer.start(ServletOnlyHandlersApp.class, "server.worker-class=thread")) {
			assertThat(server.context()).isInstanceOf(ServletWebServerApplicationContext.class);
		}
	}

	private static List<Throwable> causes(Throwable ex) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

}
