package dev.workerclass.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.workerclass.diagnostics.EventLoopDiagnostics;
import dev.workerclass.diagnostics.FindingLog;
import dev.workerclass.diagnostics.VirtualThreadDiagnostics;
import dev.workerclass.jetty.JettyWorkersCustomizer;
import dev.workerclass.netty.NettyWorkersCustomizer;
import dev.workerclass.servlet.WorkersServletFilter;
import dev.workerclass.tomcat.TomcatWorkersCustomizer;
import dev.workerclass.undertow.UndertowReactiveWebServerFactory;
import dev.workerclass.webflux.BlockingOffloadConfigurer;
import dev.workerclass.webflux.ObservingWebFilter;
import dev.workerclass.webflux.WebFluxHandlerCheck;
import dev.workerclass.webflux.WorkersWebFilter;
import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.ReactiveWorkers;
import dev.workerclass.workers.WorkerClass;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import jakarta.servlet.DispatcherType;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.autoconfigure.reactive.ReactiveWebServerConfiguration;
import org.springframework.boot.web.server.reactive.ReactiveWebServerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.context.reactive.ReactiveWebApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * Switches request handling to the class named by {@code server.worker-class}: builds the
 * {@link Workers} and puts them between the engine Spring Boot runs (Tomcat or Jetty for the
 * servlet classes, Reactor Netty or Undertow for {@code reactive}) and the application.
 */
@AutoConfiguration(beforeName = {
		"org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
		"org.springframework.boot.tomcat.autoconfigure.reactive.TomcatReactiveWebServerAutoConfiguration",
		"org.springframework.boot.jetty.autoconfigure.reactive.JettyReactiveWebServerAutoConfiguration" })
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
		return settings;
	}

	/**
	 * Whether the starter only observes: no class is named (and, in a reactive app, no engine,
	 * which only a class the starter runs can honour).
	 */
	static boolean observes(WorkerClassProperties properties, boolean reactiveContext) {
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
		Integer threads = (model == WorkerClass.THREAD) ? maxThreads : null;
		// Reactor Netty's own event loops: reactor.netty.ioWorkerCount, or the cores and at least 4.
		int workers = (model == WorkerClass.REACTIVE) ? Integer.getInteger("reactor.netty.ioWorkerCount",
				Math.max(cores, 4)) : 1;
		return WorkerSettings.resolve(model.canonicalName(), workers, threads, null, null, null, null, null, null,
				Duration.ZERO, properties.getOffloadThreads(), cores);
	}

	/**
	 * Whether this is a test without a real server whose web type the environment post-processor
	 * left to the test ({@link WorkerClassEnvironmentPostProcessor#isMockWebTest}).
	 */
	static boolean isMockWebTest(Environment environment) {
		return environment.getProperty(WorkerClassEnvironmentPostProcessor.MOCK_WEB_TEST, Boolean.class, false);
	}

	/** The offload pool for {@code @Blocking} handlers (and blocking-style ones under reactive); threads start on demand. */
	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
	OffloadWorkers offloadWorkers(WorkerSettings settings) {
		return new OffloadWorkers(settings);
	}

	@Bean
	WorkerClassStartupLogger workerClassStartupLogger(WorkerSettings settings, ObjectProvider<Workers> workers) {
		return new WorkerClassStartupLogger(settings, workers.getIfAvailable() instanceof ObservedWorkers);
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
			if (ManagementPortType.get(environment) == ManagementPortType.DIFFERENT) {
				return ControlPlane.none();
			}
			String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator");
			if (basePath.isBlank() || basePath.equals("/")) {
				// Actuator at the root: its endpoints cannot be told apart by a prefix, so name the two
				// an operator needs when every worker is busy.
				return new ControlPlane(List.of("/workers", "/health"));
			}
			return new ControlPlane(List.of(basePath));
		}

	}

	/** Without actuator there is no control plane on the application port. */
	@Bean
	@ConditionalOnMissingBean
	ControlPlane noControlPlane() {
		return ControlPlane.none();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.SERVLET)
	static class ServletWorkersConfiguration {

		// Primary: the offload pool is a Workers too, but "the workers" are these.
		@Bean(destroyMethod = "close")
		@Primary
		@ConditionalOnMissingBean(ignored = OffloadWorkers.class)
		Workers workers(WorkerSettings settings, WorkerClassProperties properties, ApplicationContext context,
				Environment environment) {
			ServerEngine.checkServlet(properties.getEngine(), settings.workerClass().canonicalName(),
					context.getClassLoader());
			if (!settings.workerClass().isServlet()) {
				throw MissingWebStackException.forClass(properties.getWorkerClass(), settings.workerClass(),
						context.getClassLoader());
			}
			if (properties.getWorkerClass() == null) {
				return new ObservedWorkers(settings, "no server.worker-class is set, so the servlet container's own"
						+ " threads serve, as in plain Spring Boot");
			}
			if (isMockWebTest(environment) && WorkerClass.parse(properties.getWorkerClass()) != settings.workerClass()) {
				return new ObservedWorkers(settings, "server.worker-class=" + properties.getWorkerClass()
						+ " does not apply to this mock web environment");
			}
			return Workers.create(settings);
		}

		/** Under virtual, carriers blocked by native calls or pinning; nothing to watch for the platform classes. */
		@Bean
		@ConditionalOnMissingBean
		WorkersDiagnostics workersDiagnostics(WorkerSettings settings, WorkerClassProperties properties) {
			WorkerClassProperties.Diagnostics diagnostics = properties.getDiagnostics();
			diagnostics.validate();
			if (!diagnostics.isEnabled() || settings.workerClass() != WorkerClass.VIRTUAL) {
				return WorkersDiagnostics.none();
			}
			return WorkersDiagnostics.virtualThreads(() -> new VirtualThreadDiagnostics(
					diagnostics.getCarrierLagThreshold(), VirtualThreadDiagnostics.DEFAULT_PROBE_INTERVAL,
					new FindingLog(WorkersDiagnostics::logNew)));
		}

		@Bean
		FilterRegistrationBean<WorkersServletFilter> workersServletFilter(Workers workers, OffloadWorkers offload,
				ControlPlane controlPlane, ListableBeanFactory beans) {
			// Spring MVC's own mapping for @RequestMapping methods, by the name DispatcherServlet knows
			// it under (actuator adds mappings of related types), looked up once requests arrive.
			Supplier<RequestMappingHandlerMapping> handlerMapping = () -> beans
				.containsBean("requestMappingHandlerMapping")
						? beans.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class) : null;
			FilterRegistrationBean<WorkersServletFilter> registration = new FilterRegistrationBean<>(
					new WorkersServletFilter(workers, offload, controlPlane, handlerMapping));
			registration.setName("workersServletFilter");
			registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
			registration.setDispatcherTypes(DispatcherType.REQUEST);
			return registration;
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = { "org.apache.catalina.startup.Tomcat",
				"org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory" })
		// No class, no shaping: the container keeps plain Spring Boot's executor, backlog and limits.
		@ConditionalOnProperty(name = "server.worker-class")
		static class TomcatConfiguration {

			@Bean
			TomcatWorkersCustomizer tomcatWorkersCustomizer(Workers workers) {
				return new TomcatWorkersCustomizer(workers);
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = { "org.eclipse.jetty.server.Server",
				"org.springframework.boot.jetty.ConfigurableJettyWebServerFactory" })
		// No class, no shaping: the container keeps plain Spring Boot's executor, backlog and limits.
		@ConditionalOnProperty(name = "server.worker-class")
		static class JettyConfiguration {

			@Bean
			JettyWorkersCustomizer jettyWorkersCustomizer(Workers workers) {
				return new JettyWorkersCustomizer(workers);
			}

		}

	}

	/**
	 * A reactive app with neither a class nor an engine named: WebFlux serves on its own, as in
	 * plain Spring Boot (its server, its event loops, blocking-style handlers on the loop), and the
	 * starter only counts. {@code @Blocking} methods still run on the offload pool, unless Spring
	 * Boot already runs blocking handlers on virtual threads ({@code spring.threads.virtual.enabled}).
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@Conditional(NeitherClassNorEngineNamed.class)
	static class ObservedReactiveConfiguration {

		@Bean(destroyMethod = "close")
		@Primary
		@ConditionalOnMissingBean(value = Workers.class, ignored = OffloadWorkers.class)
		ObservedWorkers workers(WorkerSettings settings) {
			return new ObservedWorkers(settings, "no server.worker-class is set, so WebFlux's own event loops"
					+ " serve, as in plain Spring Boot");
		}

		@Bean
		ObservingWebFilter observingWebFilter(ObservedWorkers workers, ControlPlane controlPlane) {
			return new ObservingWebFilter(workers, controlPlane);
		}

		@Bean
		@ConditionalOnProperty(name = "spring.threads.virtual.enabled", havingValue = "false", matchIfMissing = true)
		BlockingOffloadConfigurer blockingOffloadConfigurer(OffloadWorkers offload) {
			return new BlockingOffloadConfigurer(offload, true);
		}

		/** Nothing to watch: the loops are Reactor's, not the starter's. */
		@Bean
		@ConditionalOnMissingBean
		WorkersDiagnostics workersDiagnostics() {
			return WorkersDiagnostics.none();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = Type.REACTIVE)
	@Conditional(ClassOrEngineNamed.class)
	static class ReactiveWorkersConfiguration {

		@Bean(destroyMethod = "close")
		@Primary
		@ConditionalOnMissingBean(value = Workers.class, ignored = OffloadWorkers.class)
		ReactiveWorkers workers(WorkerSettings settings, WorkerClassProperties properties,
				ApplicationContext context) {
			// Checked here, before any engine's beans: a bad name fails start-up by property and value.
			ServerEngine.reactive(properties.getEngine(), context.getClassLoader());
			if (settings.workerClass().isServlet()) {
				throw MissingWebStackException.forClass(properties.getWorkerClass(), settings.workerClass(),
						context.getClassLoader());
			}
			return (ReactiveWorkers) Workers.create(settings);
		}

		@Bean
		WorkersWebFilter workersWebFilter(ReactiveWorkers workers, ControlPlane controlPlane) {
			return new WorkersWebFilter(workers, controlPlane);
		}

		@Bean
		BlockingOffloadConfigurer blockingOffloadConfigurer(OffloadWorkers offload) {
			return new BlockingOffloadConfigurer(offload);
		}

		/** Fails start-up on controller methods only the servlet classes can run (ModelAndView, HttpServletRequest...). */
		@Bean
		@ConditionalOnMissingBean
		WebFluxHandlerCheck webFluxHandlerCheck(ListableBeanFactory beans) {
			return new WebFluxHandlerCheck(beans);
		}

		/** The watchdog over an engine's event loops, or none when diagnostics are off. */
		static WorkersDiagnostics eventLoopDiagnostics(Supplier<List<Executor>> loops,
				WorkerClassProperties properties) {
			WorkerClassProperties.Diagnostics diagnostics = properties.getDiagnostics();
			diagnostics.validate();
			if (!diagnostics.isEnabled()) {
				return WorkersDiagnostics.none();
			}
			return WorkersDiagnostics.eventLoops(() -> new EventLoopDiagnostics(loops,
					diagnostics.getBlockedLoopThreshold(), EventLoopDiagnostics.DEFAULT_PROBE_INTERVAL,
					new FindingLog(WorkersDiagnostics::logNew)));
		}

		/**
		 * Reactor Netty, chosen explicitly: with Tomcat on the class path too, Spring Boot would
		 * otherwise pick a reactive server by the order of its auto-configuration names.
		 */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = { "reactor.netty.http.server.HttpServer",
				"org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory" })
		@ConditionalOnProperty(name = "server.engine", havingValue = "netty", matchIfMissing = true)
		static class NettyConfiguration {

			@Bean
			NettyWorkersCustomizer nettyWorkersCustomizer(ReactiveWorkers workers) {
				return new NettyWorkersCustomizer(workers);
			}

			/** Event loops that run one task too long, with the stack of what blocks them. */
			@Bean
			@ConditionalOnMissingBean
			WorkersDiagnostics workersDiagnostics(NettyWorkersCustomizer netty, WorkerClassProperties properties) {
				return eventLoopDiagnostics(netty.loops()::activeExecutors, properties);
			}

			@Bean
			@ConditionalOnMissingBean(ReactiveWebServerFactory.class)
			NettyReactiveWebServerFactory nettyReactiveWebServerFactory(ObjectProvider<NettyRouteProvider> routes,
					ObjectProvider<NettyServerCustomizer> customizers) {
				// No ReactorResourceFactory: the server would run on its shared loops instead of
				// the workers' own (NettyWebServer applies it after every customizer).
				NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
				routes.orderedStream().forEach(factory::addRouteProviders);
				factory.getServerCustomizers().addAll(customizers.orderedStream().toList());
				return factory;
			}

		}


		/**
		 * Undertow when {@code server.engine=undertow}: its I/O threads are the workers, fixed
		 * for the server's life (XNIO creates them with the worker and cannot add or remove one).
		 */
		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "io.undertow.Undertow")
		@ConditionalOnProperty(name = "server.engine", havingValue = "undertow")
		@Import(ReactiveWebServerConfiguration.class)
		static class UndertowConfiguration {

			@Bean
			@ConditionalOnMissingBean(ReactiveWebServerFactory.class)
			UndertowReactiveWebServerFactory undertowReactiveWebServerFactory(ReactiveWorkers workers) {
				WorkerSettings settings = workers.settings();
				UndertowReactiveWebServerFactory factory = new UndertowReactiveWebServerFactory();
				factory.setIoThreads(settings.workers());
				// XNIO listens with a backlog of 128 unless told otherwise.
				factory.setBacklog(settings.acceptBacklog(128));
				factory.setIdleTimeout(settings.keepAlive());
				// Never pretend: resizing would change the slots but not the threads that serve them.
				workers.fixWorkers("Undertow's I/O threads are fixed when its XNIO worker starts; change"
						+ " server.workers and restart, or resize workerConnections");
				return factory;
			}

			/** I/O threads that run one task too long, with the stack of what blocks them. */
			@Bean
			@ConditionalOnMissingBean
			WorkersDiagnostics workersDiagnostics(UndertowReactiveWebServerFactory undertow,
					WorkerClassProperties properties) {
				return eventLoopDiagnostics(undertow::ioThreads, properties);
			}

		}
	}

	/** {@code server.worker-class} or {@code server.engine} is set: the starter runs the reactive class. */
	static final class ClassOrEngineNamed extends AnyNestedCondition {

		ClassOrEngineNamed() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("server.worker-class")
		static final class WorkerClassNamed {

		}

		@ConditionalOnProperty("server.engine")
		static final class EngineNamed {

		}

	}

	/** Neither is set: the starter only observes. */
	static final class NeitherClassNorEngineNamed extends NoneNestedConditions {

		NeitherClassNorEngineNamed() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty("server.worker-class")
		static final class WorkerClassNamed {

		}

		@ConditionalOnProperty("server.engine")
		static final class EngineNamed {

		}

	}

}
