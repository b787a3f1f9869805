package dev.workerclass.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.offload.OffloadMode;
import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.RequestPool;
import dev.workerclass.workers.WorkerClass;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.context.reactive.ReactiveWebApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The starter's core, whatever the web stack: the {@code server.*} properties resolved to
 * {@link WorkerSettings}, the offload pool, the control plane, the start-up line and the
 * diagnostics' life cycle. The stack's auto-configuration (servlet or reactive) builds the
 * {@link Workers} from these and each engine's own auto-configuration shapes its server after them.
 */
@AutoConfiguration
@ConditionalOnWebApplication
@EnableConfigurationProperties(WorkerClassProperties.class)
public final class WorkerClassAutoConfiguration {

	private static final Log logger = LogFactory.getLog(WorkerClassAutoConfiguration.class);

	/**
	 * Without {@code server.worker-class}, a servlet app keeps the model it had: Tomcat's (or
	 * Jetty's) pool, or virtual threads with {@code spring.threads.virtual.enabled}, reported as
	 * thread and virtual, with their nominal sizes and none of the starter's limits (see
	 * {@link ObservedWorkers}); a reactive app stays reactive.
	 */
	@Bean
	@ConditionalOnMissingBean
	WorkerSettings workerSettings(WorkerClassProperties properties, Environment environment,
			ApplicationContext context) {
		boolean reactiveContext = context instanceof ReactiveWebApplicationContext;
		WorkerClass defaultClass = defaultClass(reactiveContext, environment);
		int cores = Runtime.getRuntime().availableProcessors();
		// Validated whether or not a class is set: a bad value is an error either way.
		WorkerSettings settings = properties.toSettings(cores, defaultClass);
		OffloadMode offload = properties.offloadMode();
		if (observes(properties, reactiveContext)) {
			List<String> unused = properties.managedSettingsGiven();
			if (!unused.isEmpty()) {
				logger.warn(String.join(", ", unused) + " apply only to a worker class the starter runs, and are"
						+ " ignored: set server.worker-class (e.g. " + defaultClass.canonicalName() + ") to use them");
			}
			return observedSettings(defaultClass, properties, environment, cores);
		}
		if (settings.workerClass().isServlet() == reactiveContext && isMockWebTest(environment)) {
			// A test of the other stack (@WebMvcTest, @SpringBootTest with a mock environment): it chose
			// its web type, and the class, which shapes a real server only, yields to it.
			logger.info("server.worker-class=" + properties.getWorkerClass() + " does not apply to this "
					+ (reactiveContext ? "reactive" : "servlet") + " mock web environment; its requests run as in"
					+ " plain Spring Boot");
			return observedSettings(defaultClass, properties, environment, cores);
		}
		for (String ignored : settings.ignored()) {
			logger.warn(ignored + " does not apply to worker class " + settings.workerClass().canonicalName()
					+ " and is ignored");
		}
		if (offload == OffloadMode.AUTO && settings.workerClass().isServlet()) {
			logger.warn("server.offload=auto does not apply to worker class " + settings.workerClass().canonicalName()
					+ " and is ignored: only reactive runs handlers on event loops (@Blocking handlers still run on"
					+ " the offload pool)");
		}
		return settings;
	}

	/**
	 * Whether the starter only observes: no class is named (and, in a reactive app, no engine,
	 * which only a class the starter runs can honour).
	 */
	private static boolean observes(WorkerClassProperties properties, boolean reactiveContext) {
		return properties.getWorkerClass() == null && (!reactiveContext || properties.getEngine() == null);
	}

	private static WorkerClass defaultClass(boolean reactiveContext, Environment environment) {
		if (reactiveContext) {
			return WorkerClass.REACTIVE;
		}
		return environment.getProperty("spring.threads.virtual.enabled", Boolean.class, false) ? WorkerClass.VIRTUAL
				: WorkerClass.DEFAULT;
	}

	/**
	 * The model a plain Boot app runs, with its nominal sizes: the servlet container's maximum
	 * threads ({@code server.tomcat.threads.max} or {@code server.jetty.threads.max}, 200 by
	 * default) or Reactor Netty's event loops, and no deadline.
	 */
	private static WorkerSettings observedSettings(WorkerClass model, WorkerClassProperties properties,
			Environment environment, int cores) {
		Integer maxThreads = environment.getProperty("server.tomcat.threads.max", Integer.class,
				environment.getProperty("server.jetty.threads.max", Integer.class));
		Integer threads = model.usesThreads() ? maxThreads : null;
		// Reactor Netty's own event loops: reactor.netty.ioWorkerCount, or the cores and at least 4.
		int workers = !model.isServlet() ? Integer.getInteger("reactor.netty.ioWorkerCount",
				Math.max(cores, 4)) : 1;
		return WorkerSettings.builder()
			.workerClass(model.canonicalName())
			.workers(workers)
			.threads(threads)
			.timeout(Duration.ZERO)
			.offloadThreads(properties.getOffloadThreads())
			.resolve(cores);
	}

	/**
	 * Whether this is a test without a real server whose web type the environment post-processor
	 * left to the test ({@link WorkerClassEnvironmentPostProcessor#isMockWebTest}).
	 */
	public static boolean isMockWebTest(Environment environment) {
		return environment.getProperty(WorkerClassEnvironmentPostProcessor.MOCK_WEB_TEST, Boolean.class, false);
	}

	/** The offload pool for {@code @Blocking} handlers (and blocking-style ones under reactive); threads start on demand. */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	OffloadWorkers offloadWorkers(WorkerSettings settings) {
		return new OffloadWorkers(settings);
	}

	@Bean
	WorkerClassStartupLogger workerClassStartupLogger(WorkerSettings settings, ObjectProvider<Workers> workers,
			ObjectProvider<WebServerEngine> engines) {
		return new WorkerClassStartupLogger(settings, workers.getIfAvailable() instanceof ObservedWorkers, engines);
	}

	/**
	 * The actuator's paths on the application port, served outside the worker slots. None when
	 * actuator has a port of its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType")
	static class ActuatorControlPlaneConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ControlPlane workersControlPlane(Environment environment) {
			List<String> prefixes = new ArrayList<>();
			if (environment.getProperty("management.endpoint.health.probes.add-additional-paths", Boolean.class,
					false)) {
				// Boot's probes on the application port, whatever the management port: a liveness
				// probe that waited in a full line would fail, and a full server would be restarted.
				prefixes.addAll(List.of("/livez", "/readyz"));
			}
			if (ManagementPortType.get(environment) == ManagementPortType.DIFFERENT) {
				return prefixes.isEmpty() ? ControlPlane.none() : new ControlPlane(prefixes);
			}
			String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
			if (basePath.isBlank() || basePath.equals("/")) {
				// Actuator at the root: its endpoints cannot be told apart by a prefix, so name the two
				// an operator needs when every worker is busy.
				prefixes.addAll(0, List.of("/workers", "/health"));
			}
			else {
				prefixes.add(0, basePath);
			}
			return new ControlPlane(prefixes);
		}

	}

	/** Without actuator there is no control plane on the application port. */
	@Bean
	@ConditionalOnMissingBean
	ControlPlane noControlPlane() {
		return ControlPlane.none();
	}

	/**
	 * Samples how fast the workers' and the offload pool's lines drain, for the
	 * {@code Retry-After} of a 503; none without workers.
	 */
	@Bean
	DrainRateSampler drainRateSampler(ObjectProvider<Workers> workers, OffloadWorkers offload) {
		List<RequestPool> pools = new ArrayList<>();
		workers.ifAvailable(pools::add);
		pools.add(offload);
		return new DrainRateSampler(pools);
	}

	/**
	 * Starts and stops the diagnostics the stack's auto-configuration chose with the context; none
	 * when it chose none.
	 */
	@Bean
	WorkersDiagnosticsLifecycle workersDiagnosticsLifecycle(ObjectProvider<WorkersDiagnostics> diagnostics) {
		return new WorkersDiagnosticsLifecycle(diagnostics.getIfAvailable(WorkersDiagnostics::none));
	}

}
