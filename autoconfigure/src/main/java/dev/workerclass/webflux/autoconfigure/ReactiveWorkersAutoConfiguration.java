package dev.workerclass.webflux.autoconfigure;

import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

import dev.workerclass.autoconfigure.MissingWebStackException;
import dev.workerclass.autoconfigure.ServerEngine;
import dev.workerclass.autoconfigure.WorkerClassAutoConfiguration;
import dev.workerclass.autoconfigure.WorkerClassProperties;
import dev.workerclass.diagnostics.BlockedLoopListener;
import dev.workerclass.diagnostics.EventLoopDiagnostics;
import dev.workerclass.diagnostics.FindingLog;
import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.offload.AutoOffload;
import dev.workerclass.offload.OffloadMode;
import dev.workerclass.webflux.BlockingOffloadConfigurer;
import dev.workerclass.webflux.ObservingWebFilter;
import dev.workerclass.webflux.RouteNames;
import dev.workerclass.webflux.WebFluxHandlerCheck;
import dev.workerclass.webflux.WorkersWebFilter;
import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.ReactiveWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import dev.workerclass.workload.Workload;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.autoconfigure.condition.NoneNestedConditions;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * The reactive class on WebFlux: its {@link ReactiveWorkers}, the filter that admits every
 * request, the offload pool for blocking-style handlers and the check that every controller
 * method can run on WebFlux. The engine's own auto-configuration (Reactor Netty, Undertow) runs
 * the server on the workers' event loops. With neither {@code server.worker-class} nor
 * {@code server.engine} set, WebFlux serves on its own and the starter only counts.
 */
@AutoConfiguration(after = WorkerClassAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.REACTIVE)
public final class ReactiveWorkersAutoConfiguration {

	/**
	 * The watchdog over an engine's event loops, or none when diagnostics are off.
	 * @param autoOffload told of each blocked loop, to move the handler that blocks it off the
	 * loops; {@code null} under {@code server.offload=always}
	 */
	public static WorkersDiagnostics eventLoopDiagnostics(Supplier<List<Executor>> loops,
			WorkerClassProperties properties, @Nullable AutoOffload autoOffload) {
		WorkerClassProperties.Diagnostics diagnostics = properties.getDiagnostics();
		diagnostics.validate();
		if (!diagnostics.isEnabled()) {
			return WorkersDiagnostics.none();
		}
		BlockedLoopListener listener = (autoOffload != null) ? autoOffload : BlockedLoopListener.NONE;
		return WorkersDiagnostics.eventLoops(() -> new EventLoopDiagnostics(loops,
				diagnostics.getBlockedLoopThreshold(), EventLoopDiagnostics.DEFAULT_PROBE_INTERVAL,
				new FindingLog(WorkersDiagnostics::logNew), listener));
	}

	/**
	 * A reactive app with neither a class nor an engine named: WebFlux serves on its own, as in
	 * plain Spring Boot (its server, its event loops, blocking-style handlers on the loop), and the
	 * starter only counts. {@code @Blocking} methods still run on the offload pool, unless Spring
	 * Boot already runs blocking handlers on virtual threads ({@code spring.threads.virtual.enabled}).
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(NeitherClassNorEngineNamed.class)
	static class ObservedReactiveConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(Workers.class)
		ObservedWorkers workers(WorkerSettings settings) {
			return new ObservedWorkers(settings, "no server.worker-class is set, so WebFlux's own event loops"
					+ " serve, as in plain Spring Boot");
		}

		@Bean
		ObservingWebFilter observingWebFilter(ObservedWorkers workers, ControlPlane controlPlane,
				ObjectProvider<Workload> workload) {
			return new ObservingWebFilter(workers, controlPlane, workload.getIfAvailable());
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
	@Conditional(ClassOrEngineNamed.class)
	static class ReactiveWorkersConfiguration {

		@Bean(destroyMethod = "close")
		@ConditionalOnMissingBean(Workers.class)
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
		WorkersWebFilter workersWebFilter(ReactiveWorkers workers, OffloadWorkers offload, ControlPlane controlPlane,
				ObjectProvider<Workload> workload) {
			return new WorkersWebFilter(workers, offload, controlPlane, workload.getIfAvailable());
		}

		/**
		 * {@code server.offload=auto}: each blocking-style handler runs where it was measured to
		 * belong. It needs the loop watchdog, which moves a handler that starts blocking back off
		 * the loops: without it, nothing would.
		 */
		@Bean
		@ConditionalOnProperty(name = "server.offload", havingValue = "auto")
		AutoOffload autoOffload(WorkerClassProperties properties,
				ObjectProvider<RequestMappingHandlerMapping> mappings) {
			if (!properties.getDiagnostics().isEnabled()) {
				throw new InvalidWorkerSettingException(OffloadMode.PROPERTY, OffloadMode.AUTO.value(),
						"always while server.diagnostics.enabled=false: auto runs handlers on the event loop only"
								+ " with the loop watchdog on, to move one that starts blocking back off it;"
								+ " enable diagnostics or set server.offload=always");
			}
			return new AutoOffload(new RouteNames(mappings));
		}

		@Bean
		BlockingOffloadConfigurer blockingOffloadConfigurer(OffloadWorkers offload,
				ObjectProvider<AutoOffload> autoOffload) {
			return new BlockingOffloadConfigurer(offload, autoOffload.getIfAvailable());
		}

		/** Fails start-up on controller methods only the servlet classes can run (ModelAndView, HttpServletRequest...). */
		@Bean
		@ConditionalOnMissingBean
		WebFluxHandlerCheck webFluxHandlerCheck(ListableBeanFactory beans) {
			return new WebFluxHandlerCheck(beans);
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
