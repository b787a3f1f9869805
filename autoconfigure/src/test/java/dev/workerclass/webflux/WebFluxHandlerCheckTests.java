package dev.workerclass.webflux;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.MethodParameter;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.multipart.FilePart;
import org.springframework.stereotype.Controller;
import org.springframework.ui.ExtendedModelMap;
import org.springframework.ui.Model;
import org.springframework.ui.ModelMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.support.SessionStatus;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.context.request.async.DeferredResult;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebSession;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Specification of {@link WebFluxHandlerCheck}: which controller methods a reactive application
 * refuses at start-up, over WebFlux's real handler mapping, and which it runs as before. Each
 * refused shape was seen to fail (or answer wrongly) when WebFlux served it.
 */
class WebFluxHandlerCheckTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(WebFluxAutoConfiguration.class))
		.withUserConfiguration(CheckConfiguration.class);

	@Configuration(proxyBeanMethods = false)
	static class CheckConfiguration {

		@Bean
		WebFluxHandlerCheck webFluxHandlerCheck(ListableBeanFactory beans) {
			return new WebFluxHandlerCheck(beans);
		}

	}

	/** The findings start-up failed with, or an empty list when the context started. */
	private List<IncompatibleHandler> findings(Class<?> controller) {
		List<IncompatibleHandler>[] found = new List[] { List.of() };
		this.runner.withUserConfiguration(controller).run((context) -> {
			if (context.getStartupFailure() != null) {
				assertThat(context.getStartupFailure()).isInstanceOf(IncompatibleHandlersException.class);
				found[0] = ((IncompatibleHandlersException) context.getStartupFailure()).getHandlers();
			}
		});
		return found[0];
	}

	private IncompatibleHandler onlyFinding(Class<?> controller) {
		List<IncompatibleHandler> found = findings(controller);
		assertThat(found).hasSize(1);
		return found.get(0);
	}

	@Controller
	static class RedirectAttributesController {

		@PostMapping("/orders")
		String create(@RequestParam String name, RedirectAttributes attributes) {
			attributes.addFlashAttribute("name", name);
			return "redirect:/orders";
		}

	}

	@Test
	void reactiveRefusesAHandlerThatTakesRedirectAttributes() {
		IncompatibleHandler finding = onlyFinding(RedirectAttributesController.class);
		assertThat(finding.method()).isEqualTo("WebFluxHandlerCheckTests.RedirectAttributesController#create(String, RedirectAttributes)");
		assertThat(finding.problems()).singleElement().asString()
			.startsWith("parameter RedirectAttributes: ")
			.contains("Spring MVC")
			.contains("redirect:");
	}

	@Controller
	static class ModelMapController {

		@GetMapping("/a")
		String modelMap(ModelMap model) {
			return "a";
		}

		@GetMapping("/b")
		String extendedModelMap(ExtendedModelMap model) {
			return "b";
		}

		@GetMapping("/c")
		String hashMap(HashMap<String, Object> model) {
			return "c";
		}

	}

	@Test
	void reactiveRefusesModelParametersThatTheModelWebFluxPassesIsNot() {
		List<IncompatibleHandler> found = findings(ModelMapController.class);
		assertThat(found).extracting(IncompatibleHandler::method)
			.containsExactly("WebFluxHandlerCheckTests.ModelMapController#extendedModelMap(ExtendedModelMap)",
					"WebFluxHandlerCheckTests.ModelMapController#hashMap(HashMap)",
					"WebFluxHandlerCheckTests.ModelMapController#modelMap(ModelMap)");
		assertThat(found.get(0).problems()).singleElement().asString()
			.startsWith("parameter ExtendedModelMap: ")
			.contains("BindingAwareConcurrentModel");
		assertThat(found.get(1).problems()).singleElement().asString().contains("BindingAwareConcurrentModel");
		assertThat(found.get(2).problems()).singleElement().asString().startsWith("parameter ModelMap: ").contains("Model");
	}

	@Controller
	static class ServletParametersController {

		@GetMapping("/request")
		@ResponseBody
		String request(HttpServletRequest request) {
			return "";
		}

		@GetMapping("/response")
		void response(HttpServletResponse response) {
		}

		@GetMapping("/session")
		@ResponseBody
		String session(HttpSession session) {
			return "";
		}

		@PostMapping("/upload")
		@ResponseBody
		String upload(@RequestParam MultipartFile file) {
			return "";
		}

		@PostMapping("/uploads")
		@ResponseBody
		String uploads(@RequestPart List<MultipartFile> files) {
			return "";
		}

		@GetMapping("/web-request")
		@ResponseBody
		String webRequest(WebRequest request) {
			return "";
		}

		@GetMapping("/native-web-request")
		@ResponseBody
		String nativeWebRequest(NativeWebRequest request) {
			return "";
		}

		@GetMapping("/output")
		void output(OutputStream body) {
		}

	}

	@Test
	void reactiveRefusesServletParametersAndListsEveryMethodNotJustTheFirst() {
		List<IncompatibleHandler> found = findings(ServletParametersController.class);
		assertThat(found).extracting(IncompatibleHandler::method)
			.containsExactly("WebFluxHandlerCheckTests.ServletParametersController#nativeWebRequest(NativeWebRequest)",
					"WebFluxHandlerCheckTests.ServletParametersController#output(OutputStream)",
					"WebFluxHandlerCheckTests.ServletParametersController#request(HttpServletRequest)",
					"WebFluxHandlerCheckTests.ServletParametersController#response(HttpServletResponse)",
					"WebFluxHandlerCheckTests.ServletParametersController#session(HttpSession)",
					"WebFluxHandlerCheckTests.ServletParametersController#upload(MultipartFile)",
					"WebFluxHandlerCheckTests.ServletParametersController#uploads(List)",
					"WebFluxHandlerCheckTests.ServletParametersController#webRequest(WebRequest)");
		assertThat(found.get(2).problems()).singleElement().asString()
			.startsWith("parameter HttpServletRequest: ")
			.contains("ServerWebExchange");
		assertThat(found.get(4).problems()).singleElement().asString().contains("WebSession");
		assertThat(found.get(5).problems()).singleElement().asString().contains("FilePart");
		assertThat(found.get(6).problems()).singleElement().asString()
			.startsWith("parameter List<MultipartFile>: ")
			.contains("FilePart");
	}

	@Controller
	static class ServletReturnValuesController {

		@GetMapping("/mav")
		ModelAndView modelAndView() {
			return new ModelAndView("page");
		}

		@GetMapping("/view")
		View view() {
			return null;
		}

		@GetMapping("/sse")
		SseEmitter sse() {
			return new SseEmitter();
		}

		@GetMapping("/emitter")
		ResponseEntity<ResponseBodyEmitter> emitter() {
			return ResponseEntity.ok(new ResponseBodyEmitter());
		}

		@GetMapping("/stream")
		StreamingResponseBody stream() {
			return (out) -> out.write(1);
		}

		@GetMapping("/deferred")
		@ResponseBody
		DeferredResult<String> deferred() {
			return new DeferredResult<>();
		}

		@GetMapping("/callable")
		@ResponseBody
		Callable<String> callable() {
			return () -> "later";
		}

	}

	@Test
	void reactiveRefusesServletReturnValues() {
		List<IncompatibleHandler> found = findings(ServletReturnValuesController.class);
		assertThat(found).extracting(IncompatibleHandler::method)
			.containsExactly("WebFluxHandlerCheckTests.ServletReturnValuesController#callable()",
					"WebFluxHandlerCheckTests.ServletReturnValuesController#deferred()",
					"WebFluxHandlerCheckTests.ServletReturnValuesController#emitter()",
					"WebFluxHandlerCheckTests.ServletReturnValuesController#modelAndView()",
					"WebFluxHandlerCheckTests.ServletReturnValuesController#sse()",
					"WebFluxHandlerCheckTests.ServletReturnValuesController#stream()",
					"WebFluxHandlerCheckTests.ServletReturnValuesController#view()");
		assertThat(found.get(0).problems()).singleElement().asString().startsWith("return type Callable<String>: ")
			.contains("Mono");
		assertThat(found.get(2).problems()).singleElement().asString()
			.startsWith("return type ResponseEntity<ResponseBodyEmitter>: ");
		assertThat(found.get(3).problems()).singleElement().asString()
			.startsWith("return type ModelAndView: ")
			.contains("Rendering");
	}

	@Controller
	static class TwoProblemsController {

		@PostMapping("/edit")
		ModelAndView edit(HttpServletRequest request, RedirectAttributes attributes) {
			return new ModelAndView("redirect:/");
		}

	}

	@Test
	void everyProblemOfOneMethodIsListedUnderIt() {
		assertThat(onlyFinding(TwoProblemsController.class).problems()).hasSize(3)
			.anySatisfy((problem) -> assertThat(problem).startsWith("parameter HttpServletRequest: "))
			.anySatisfy((problem) -> assertThat(problem).startsWith("parameter RedirectAttributes: "))
			.anySatisfy((problem) -> assertThat(problem).startsWith("return type ModelAndView: "));
	}

	@Controller
	static class NoResultHandlerController {

		@GetMapping("/count")
		int count() {
			return 1;
		}

	}

	@Test
	void aReturnTypeNoWebFluxResultHandlerTakesIsRefused() {
		assertThat(onlyFinding(NoResultHandlerController.class).problems()).singleElement().asString()
			.startsWith("return type int: ")
			.contains("no WebFlux result handler");
	}

	record Form(String name) {
	}

	@Controller
	static class CompatibleController {

		@GetMapping("/page")
		String page(Model model, Principal principal, @RequestParam String q, SessionStatus status) {
			return "page";
		}

		@PostMapping("/form")
		String form(@ModelAttribute Form form, Map<String, Object> model) {
			return "redirect:/page";
		}

		@GetMapping("/exchange/{id}")
		Mono<String> exchange(ServerWebExchange exchange, WebSession session, @PathVariable String id) {
			return Mono.just("page");
		}

		@GetMapping("/rendering")
		Rendering rendering() {
			return Rendering.redirectTo("/page").build();
		}

		@GetMapping("/entity")
		ResponseEntity<String> entity() {
			return ResponseEntity.ok("x");
		}

		@PostMapping("/upload")
		@ResponseBody
		Mono<String> upload(@RequestPart FilePart file) {
			return Mono.just(file.filename());
		}

		@GetMapping("/future")
		@ResponseBody
		CompletableFuture<Form> future() {
			return CompletableFuture.completedFuture(new Form("x"));
		}

		@GetMapping("/nothing")
		void nothing() {
		}

	}

	@RestController
	static class CompatibleRestController {

		@GetMapping("/items")
		Flux<Form> items() {
			return Flux.empty();
		}

		@PostMapping("/items")
		Form create(@RequestBody Form form) {
			return form;
		}

		@GetMapping("/count")
		int count() {
			return 1;
		}

	}

	@ParameterizedTest
	@ValueSource(classes = { CompatibleController.class, CompatibleRestController.class })
	void controllersWebFluxCanRunStartAsBefore(Class<?> controller) {
		this.runner.withUserConfiguration(controller).run((context) -> assertThat(context).hasNotFailed());
	}

	/** An application's own resolver for a servlet type: its word wins. */
	@Configuration(proxyBeanMethods = false)
	static class ServletRequestResolverConfiguration implements WebFluxConfigurer {

		@Override
		public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
			configurer.addCustomResolver(new HandlerMethodArgumentResolver() {

				@Override
				public boolean supportsParameter(MethodParameter parameter) {
					return parameter.getParameterType() == HttpServletRequest.class;
				}

				@Override
				public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext bindingContext,
						ServerWebExchange exchange) {
					return Mono.empty();
				}

			});
		}

	}

	@Controller
	static class ServletRequestController {

		@GetMapping("/request")
		@ResponseBody
		String request(HttpServletRequest request) {
			return "";
		}

	}

	@Test
	void aParameterTheApplicationsOwnResolverTakesIsAccepted() {
		this.runner.withUserConfiguration(ServletRequestResolverConfiguration.class, ServletRequestController.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/**
	 * A WebFlux-only application has no servlet API and may have no Spring MVC: the check names
	 * their types as strings and never links one (a class reference would read {@code jakarta/servlet/...}).
	 */
	@ParameterizedTest
	@ValueSource(classes = { WebFluxHandlerCheck.class, IncompatibleHandler.class,
			IncompatibleHandlersException.class })
	void theCheckLinksNoServletClass(Class<?> type) throws IOException {
		List<String> classFiles = new ArrayList<>();
		classFiles.add(type.getSimpleName());
		Arrays.stream(type.getDeclaredClasses()).forEach((nested) -> classFiles.add(type.getSimpleName() + "$" + nested.getSimpleName()));
		classFiles.add(type.getSimpleName() + "$1");
		for (String name : classFiles) {
			try (InputStream in = type.getResourceAsStream(name + ".class")) {
				if (in == null) {
					continue;
				}
				String bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
				assertThat(bytes).as(name).doesNotContain("jakarta/servlet", "org/springframework/web/servlet",
						"org/springframework/web/multipart", "org/springframework/web/context/request");
			}
		}
	}

	@Test
	void withoutWebFluxsHandlerMappingThereIsNothingToCheck() {
		new ReactiveWebApplicationContextRunner().withUserConfiguration(CheckConfiguration.class)
			.run((context) -> assertThat(context).hasNotFailed());
	}

}
