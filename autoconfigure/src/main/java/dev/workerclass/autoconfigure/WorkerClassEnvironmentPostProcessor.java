package dev.workerclass.autoconfigure;

import java.lang.annotation.Annotation;
import java.util.HashMap;
import java.util.Map;

import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.WorkerClass;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Chooses the web stack from {@code server.worker-class} before the application context exists:
 * {@code reactive} runs WebFlux, every other class Spring MVC, even with both on the class path.
 * Also carries {@code server.graceful-timeout} over to Boot's shutdown phase timeout.
 * <p>
 * Values the user set themselves always win: this only adds defaults, after every other source.
 * So does a test's choice: a test slice ({@code @WebMvcTest}, {@code @WebFluxTest}) or a
 * {@code @SpringBootTest} with a mock web environment has already told Spring Boot which web
 * application type it tests, and a worker class (which only matters to a real server) must not
 * turn a MockMvc test into a WebFlux one.
 */
public class WorkerClassEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "workerclass";

	private static final String WEB_APPLICATION_TYPE = "spring.main.web-application-type";

	private static final String SHUTDOWN_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

	/** Set (to true) in a test without a real server: see {@link #isMockWebTest}. Not a user property. */
	static final String MOCK_WEB_TEST = "workerclass.mock-web-test";

	private static final String BOOTSTRAP_WITH = "org.springframework.test.context.BootstrapWith";

	private static final String SPRING_BOOT_TEST = "org.springframework.boot.test.context.SpringBootTest";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new HashMap<>();
		WorkerClass workerClass = workerClass(environment);
		boolean mockWebTest = isMockWebTest(application.getMainApplicationClass());
		if (workerClass != null && mockWebTest) {
			// Tells the auto-configuration that a class of the other stack is the test's business.
			defaults.put(MOCK_WEB_TEST, "true");
		}
		if (workerClass != null && !environment.containsProperty(WEB_APPLICATION_TYPE) && !mockWebTest) {
			ClassLoader classLoader = application.getClassLoader();
			if (workerClass.isServlet() && WebStack.SERVLET.isPresent(classLoader)) {
				defaults.put(WEB_APPLICATION_TYPE, "servlet");
			}
			else if (!workerClass.isServlet() && WebStack.REACTIVE.isPresent(classLoader)) {
				defaults.put(WEB_APPLICATION_TYPE, "reactive");
			}
			// Otherwise the class's stack is missing; the auto-configuration reports it.
		}
		String gracefulTimeout = environment.getProperty("server.graceful-timeout");
		if (gracefulTimeout != null && !environment.containsProperty(SHUTDOWN_PHASE_TIMEOUT)) {
			defaults.put(SHUTDOWN_PHASE_TIMEOUT, gracefulTimeout);
		}
		if (!defaults.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, defaults));
		}
	}

	// Only a class the user names switches the stack: without one, Spring Boot's own choice stands.
	private static @Nullable WorkerClass workerClass(ConfigurableEnvironment environment) {
		String name = environment.getProperty("server.worker-class");
		if (name == null) {
			return null;
		}
		try {
			return WorkerClass.parse(name);
		}
		catch (InvalidWorkerSettingException ex) {
			// Reported with the other settings by the auto-configuration's failure analysis.
			return null;
		}
	}

	/**
	 * Whether {@code mainClass} is a test class whose web environment has no real server. Spring
	 * Boot's test context loader makes the test class the main application class and sets the web
	 * application type itself; only a {@code @SpringBootTest} on a random or defined port starts a
	 * server, the one place where the worker class applies. Read by annotation name: the test
	 * libraries are not on an application's class path.
	 */
	static boolean isMockWebTest(@Nullable Class<?> mainClass) {
		if (mainClass == null) {
			return false;
		}
		MergedAnnotations annotations = MergedAnnotations.from(mainClass, SearchStrategy.TYPE_HIERARCHY);
		if (!annotations.isPresent(BOOTSTRAP_WITH)) {
			return false;
		}
		MergedAnnotation<Annotation> springBootTest = annotations.get(SPRING_BOOT_TEST);
		if (!springBootTest.isPresent()) {
			// A slice (@WebMvcTest, @WebFluxTest, @DataJpaTest, ...): never a real server.
			return true;
		}
		String webEnvironment = springBootTest.getValue("webEnvironment").map(Object::toString).orElse("MOCK");
		return !webEnvironment.equals("RANDOM_PORT") && !webEnvironment.equals("DEFINED_PORT");
	}

	@Override
	public int getOrder() {
		// After the config files have been read (ConfigDataEnvironmentPostProcessor).
		return Ordered.LOWEST_PRECEDENCE - 10;
	}

	/** The web stacks a worker class may need, recognised by their classes. */
	enum WebStack {

		SERVLET("org.springframework.web.servlet.DispatcherServlet"),

		REACTIVE("org.springframework.web.reactive.DispatcherHandler",
				"org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory");

		private final String[] classNames;

		WebStack(String... classNames) {
			this.classNames = classNames;
		}

		boolean isPresent(ClassLoader classLoader) {
			for (String className : this.classNames) {
				if (!ClassUtils.isPresent(className, classLoader)) {
					return false;
				}
			}
			return true;
		}

	}

}
