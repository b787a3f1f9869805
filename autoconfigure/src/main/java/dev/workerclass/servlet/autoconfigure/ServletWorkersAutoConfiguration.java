package dev.workerclass.servlet.autoconfigure;

import java.util.function.Supplier;

import dev.workerclass.autoconfigure.MissingWebStackException;
import dev.workerclass.autoconfigure.ServerEngine;
import dev.workerclass.autoconfigure.WorkerClassAutoConfiguration;
import dev.workerclass.autoconfigure.WorkerClassProperties;
import dev.workerclass.diagnostics.FindingLog;
import dev.workerclass.diagnostics.VirtualThreadDiagnostics;
import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.servlet.WorkersServletFilter;
import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.WorkerClass;
import dev.workerclass.workers.WorkerModel.ThreadKind;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import dev.workerclass.workload.Workload;
import jakarta.servlet.DispatcherType;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The servlet classes ({@code sync}, {@code thread}, {@code virtual}): their {@link Workers}, the
 * filter that runs every request on them and, under {@code virtual}, the carrier diagnostics. The
 * servlet container's own auto-configuration (Tomcat, Jetty) hands it the workers' threads.
 */
@AutoConfiguration(after = WorkerClassAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
public final class ServletWorkersAutoConfiguration {

	@Bean(destroyMethod = "close")
	@ConditionalOnMissingBean
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
		if (WorkerClassAutoConfiguration.isMockWebTest(environment)
				&& WorkerClass.parse(properties.getWorkerClass()) != settings.workerClass()) {
			return new ObservedWorkers(settings, "server.worker-class=" + properties.getWorkerClass()
					+ " does not apply to this mock web environment");
		}
		return Workers.create(settings);
	}

	/** On virtual threads, carriers blocked by native calls or pinning; nothing to watch on platform threads. */
	@Bean
	@ConditionalOnMissingBean
	WorkersDiagnostics workersDiagnostics(WorkerSettings settings, WorkerClassProperties properties, Workers workers) {
		WorkerClassProperties.Diagnostics diagnostics = properties.getDiagnostics();
		diagnostics.validate();
		if (!diagnostics.isEnabled() || settings.workerClass().threadKind() != ThreadKind.VIRTUAL) {
			return WorkersDiagnostics.none();
		}
		// Requests served tell the probe that carriers run work while it waits (see VirtualThreadDiagnostics).
		return WorkersDiagnostics.virtualThreads(() -> new VirtualThreadDiagnostics(
				diagnostics.getCarrierLagThreshold(), VirtualThreadDiagnostics.DEFAULT_PROBE_INTERVAL,
				new FindingLog(WorkersDiagnostics::logNew), workers::completed));
	}

	@Bean
	FilterRegistrationBean<WorkersServletFilter> workersServletFilter(Workers workers, OffloadWorkers offload,
			ControlPlane controlPlane, ListableBeanFactory beans, ObjectProvider<Workload> workload) {
		// Spring MVC's own mapping for @RequestMapping methods, by the name DispatcherServlet knows
		// it under (actuator adds mappings of related types), looked up once requests arrive.
		Supplier<@Nullable RequestMappingHandlerMapping> handlerMapping = () -> beans
			.containsBean("requestMappingHandlerMapping")
					? beans.getBean("requestMappingHandlerMapping", RequestMappingHandlerMapping.class) : null;
		FilterRegistrationBean<WorkersServletFilter> registration = new FilterRegistrationBean<>(
				new WorkersServletFilter(workers, offload, controlPlane, handlerMapping, workload.getIfAvailable()));
		registration.setName("workersServletFilter");
		registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
		registration.setDispatcherTypes(DispatcherType.REQUEST);
		return registration;
	}

}
