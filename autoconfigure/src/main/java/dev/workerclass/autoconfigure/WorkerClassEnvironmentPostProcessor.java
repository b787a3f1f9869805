package dev.workerclass.autoconfigure;

import java.util.HashMap;
import java.util.Map;

import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.WorkerClass;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Chooses the web stack from {@code server.worker-class} before the application context exists:
 * {@code reactive} runs WebFlux, every other class Spring MVC, even with both on the class path.
 * Also carries {@code server.graceful-timeout} over to Boot's shutdown phase timeout.
 * <p>
 * Values the user set themselves always win: this only adds defaults, after every other source.
 */
public class WorkerClassEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

	static final String PROPERTY_SOURCE_NAME = "workerclass";

	private static final String WEB_APPLICATION_TYPE = "spring.main.web-application-type";

	private static final String SHUTDOWN_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new HashMap<>();
		WorkerClass workerClass = workerClass(environment);
		if (workerClass != null && !environment.containsProperty(WEB_APPLICATION_TYPE)) {
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
	private static WorkerClass workerClass(ConfigurableEnvironment environment) {
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
