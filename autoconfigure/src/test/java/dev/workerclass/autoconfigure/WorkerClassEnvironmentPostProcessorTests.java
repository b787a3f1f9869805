package dev.workerclass.autoconfigure;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkerClassEnvironmentPostProcessor}: the worker class picks the web stack
 * before the context exists, and the graceful timeout reaches Boot's shutdown phase.
 */
class WorkerClassEnvironmentPostProcessorTests {

	private static final String WEB_APPLICATION_TYPE = "spring.main.web-application-type";

	private static final String SHUTDOWN_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

	private final WorkerClassEnvironmentPostProcessor postProcessor = new WorkerClassEnvironmentPostProcessor();

	@ParameterizedTest
	@ValueSource(strings = { "reactive", "tornado", "aiohttp", "gaiohttp", "asyncio", "event-loop", " Tornado " })
	void reactiveClassesRunWebFlux(String name) {
		MockEnvironment environment = new MockEnvironment().withProperty("server.worker-class", name);
		postProcess(environment);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isEqualTo("reactive");
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "gthread", "threads", "virtual", "async", "gevent", "eventlet", "green",
			"SYNC" })
	void servletClassesRunSpringMvc(String name) {
		MockEnvironment environment = new MockEnvironment().withProperty("server.worker-class", name);
		postProcess(environment);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isEqualTo("servlet");
	}

	@Test
	void withoutAClassTheWebStackIsLeftToSpringBoot() {
		MockEnvironment environment = new MockEnvironment();
		postProcess(environment);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isNull();
		assertThat(environment.getPropertySources().contains(WorkerClassEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void virtualThreadsEnabledWithoutAClassLeavesTheWebStackToSpringBoot() {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.threads.virtual.enabled", "true");
		postProcess(environment);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isNull();
	}

	@Test
	void aWebApplicationTypeTheUserSetIsKept() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.worker-class", "reactive")
			.withProperty(WEB_APPLICATION_TYPE, "servlet");
		postProcess(environment);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isEqualTo("servlet");
		MockEnvironment none = new MockEnvironment().withProperty("server.worker-class", "sync")
			.withProperty(WEB_APPLICATION_TYPE, "none");
		postProcess(none);
		assertThat(none.getProperty(WEB_APPLICATION_TYPE)).isEqualTo("none");
	}

	@Test
	void anInvalidClassSetsNothing() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.worker-class", "asynk");
		postProcess(environment);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isNull();
		assertThat(environment.getPropertySources().contains(WorkerClassEnvironmentPostProcessor.PROPERTY_SOURCE_NAME))
			.isFalse();
	}

	@Test
	void aReactiveClassWithoutWebFluxSetsNothing() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.worker-class", "reactive");
		SpringApplication application = new SpringApplication(
				new DefaultResourceLoader(new FilteredClassLoader("org.springframework.web.reactive")));
		this.postProcessor.postProcessEnvironment(environment, application);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isNull();
	}

	@Test
	void aReactiveClassWithoutReactorNettySetsNothing() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.worker-class", "reactive");
		SpringApplication application = new SpringApplication(
				new DefaultResourceLoader(
						new FilteredClassLoader("reactor.netty", "org.springframework.boot.reactor.netty")));
		this.postProcessor.postProcessEnvironment(environment, application);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isNull();
	}

	@Test
	void aServletClassWithoutSpringMvcSetsNothing() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.worker-class", "virtual");
		SpringApplication application = new SpringApplication(
				new DefaultResourceLoader(new FilteredClassLoader("org.springframework.web.servlet")));
		this.postProcessor.postProcessEnvironment(environment, application);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isNull();
	}

	@Test
	void theGracefulTimeoutBecomesTheShutdownPhaseTimeout() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.graceful-timeout", "7s");
		postProcess(environment);
		assertThat(environment.getProperty(SHUTDOWN_PHASE_TIMEOUT)).isEqualTo("7s");
	}

	@Test
	void aShutdownPhaseTimeoutTheUserSetIsKept() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.graceful-timeout", "7s")
			.withProperty(SHUTDOWN_PHASE_TIMEOUT, "20s");
		postProcess(environment);
		assertThat(environment.getProperty(SHUTDOWN_PHASE_TIMEOUT)).isEqualTo("20s");
	}

	@Test
	void withoutAGracefulTimeoutTheShutdownPhaseTimeoutIsLeftAlone() {
		MockEnvironment environment = new MockEnvironment();
		postProcess(environment);
		assertThat(environment.getProperty(SHUTDOWN_PHASE_TIMEOUT)).isNull();
	}

	@Test
	void theDefaultsComeLastSoEveryOtherSourceWins() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new MapPropertySource("app", Map.of("server.worker-class", "tornado")));
		postProcess(environment);
		assertThat(environment.getPropertySources().stream().reduce((first, second) -> second).orElseThrow().getName())
			.isEqualTo(WorkerClassEnvironmentPostProcessor.PROPERTY_SOURCE_NAME);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isEqualTo("reactive");
	}

	@Test
	void runsAfterTheConfigFilesHaveBeenRead() {
		assertThat(this.postProcessor.getOrder()).isGreaterThan(ConfigDataEnvironmentPostProcessor.ORDER);
	}

	@Test
	void aSpringApplicationWithBothStacksRunsWebFluxForReactive() {
		assertThat(webApplicationTypeOf("--server.worker-class=asyncio")).isEqualTo(WebApplicationType.REACTIVE);
	}

	@Test
	void aSpringApplicationWithBothStacksRunsSpringMvcForVirtual() {
		assertThat(webApplicationTypeOf("--server.worker-class=gevent")).isEqualTo(WebApplicationType.SERVLET);
	}

	@Test
	void aSpringApplicationWithBothStacksAndNoClassKeepsSpringBootsChoice() {
		// Spring Boot picks servlet when Spring MVC is present; the post-processor does not override it.
		assertThat(webApplicationTypeOf()).isEqualTo(WebApplicationType.SERVLET);
	}

	@Test
	void aSpringApplicationKeepsAnExplicitReactiveTypeWithoutAClass() {
		assertThat(webApplicationTypeOf("--spring.main.web-application-type=reactive"))
			.isEqualTo(WebApplicationType.REACTIVE);
	}

	@Test
	void aSpringApplicationKeepsAnExplicitWebApplicationType() {
		assertThat(webApplicationTypeOf("--server.worker-class=reactive", "--spring.main.web-application-type=none"))
			.isEqualTo(WebApplicationType.NONE);
	}

	@Test
	void aTestSliceKeepsTheWebTypeItAskedFor() {
		MockEnvironment environment = new MockEnvironment().withProperty("server.worker-class", "reactive");
		SpringApplication application = new SpringApplication();
		application.setMainApplicationClass(MvcSlice.class);
		this.postProcessor.postProcessEnvironment(environment, application);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isNull();
		assertThat(environment.getProperty(WorkerClassEnvironmentPostProcessor.MOCK_WEB_TEST)).isEqualTo("true");
	}

	@Test
	void aMockSpringBootTestKeepsTheWebTypeItAskedFor() {
		assertThat(WorkerClassEnvironmentPostProcessor.isMockWebTest(MockTest.class)).isTrue();
		assertThat(WorkerClassEnvironmentPostProcessor.isMockWebTest(DefaultTest.class)).isTrue();
		assertThat(WorkerClassEnvironmentPostProcessor.isMockWebTest(FluxSlice.class)).isTrue();
	}

	@Test
	void aSpringBootTestOnARealServerRunsTheClass() {
		assertThat(WorkerClassEnvironmentPostProcessor.isMockWebTest(RandomPortTest.class)).isFalse();
		MockEnvironment environment = new MockEnvironment().withProperty("server.worker-class", "reactive");
		SpringApplication application = new SpringApplication();
		application.setMainApplicationClass(RandomPortTest.class);
		this.postProcessor.postProcessEnvironment(environment, application);
		assertThat(environment.getProperty(WEB_APPLICATION_TYPE)).isEqualTo("reactive");
	}

	@Test
	void anApplicationsMainClassIsNoTest() {
		assertThat(WorkerClassEnvironmentPostProcessor.isMockWebTest(EmptyConfiguration.class)).isFalse();
		assertThat(WorkerClassEnvironmentPostProcessor.isMockWebTest(null)).isFalse();
	}

	@org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest
	static class MvcSlice {

	}

	@org.springframework.boot.webflux.test.autoconfigure.WebFluxTest
	static class FluxSlice {

	}

	@org.springframework.boot.test.context.SpringBootTest(
			webEnvironment = org.springframework.boot.test.context.SpringBootTest.WebEnvironment.MOCK)
	static class MockTest {

	}

	@org.springframework.boot.test.context.SpringBootTest
	static class DefaultTest {

	}

	@org.springframework.boot.test.context.SpringBootTest(
			webEnvironment = org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT)
	static class RandomPortTest {

	}

	private WebApplicationType webApplicationTypeOf(String... args) {
		// The post-processor is registered in spring.factories: a real SpringApplication applies it.
		SpringApplication application = new SpringApplication(EmptyConfiguration.class);
		AtomicReference<WebApplicationType> created = new AtomicReference<>();
		application.setApplicationContextFactory((webApplicationType) -> {
			created.set(webApplicationType);
			return new GenericApplicationContext();
		});
		application.setLogStartupInfo(false);
		application.setRegisterShutdownHook(false);
		application.run(args).close();
		return created.get();
	}

	private void postProcess(ConfigurableEnvironment environment) {
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
	}

	@Configuration(proxyBeanMethods = false)
	static class EmptyConfiguration {

	}

}
