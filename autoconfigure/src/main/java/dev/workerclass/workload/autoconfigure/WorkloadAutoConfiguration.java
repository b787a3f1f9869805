package dev.workerclass.workload.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.workerclass.autoconfigure.WorkerClassAutoConfiguration;
import dev.workerclass.autoconfigure.WorkerClassProperties;
import dev.workerclass.diagnostics.VirtualThreadReport;
import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.servlet.autoconfigure.ServletWorkersAutoConfiguration;
import dev.workerclass.webflux.autoconfigure.ReactiveWorkersAutoConfiguration;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import dev.workerclass.workload.AdviceLog;
import dev.workerclass.workload.Advisor;
import dev.workerclass.workload.PoolGauge;
import dev.workerclass.workload.Workload;
import dev.workerclass.workload.WorkloadAdvice;
import dev.workerclass.workload.WorkloadSampler;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The workload measurement ({@code server.workload.*}): the {@link Workload} the servlet and
 * WebFlux filters hand their sampled requests to, the sampler thread, the advice and its log line.
 * With HikariCP on the class path, its pools are watched too.
 */
@AutoConfiguration(after = { WorkerClassAutoConfiguration.class, ServletWorkersAutoConfiguration.class,
		ReactiveWorkersAutoConfiguration.class })
@ConditionalOnBean(Workers.class)
@ConditionalOnBooleanProperty(name = "server.workload.enabled", matchIfMissing = true)
@EnableConfigurationProperties(WorkloadProperties.class)
public final class WorkloadAutoConfiguration {

	/** How often the advice is computed and, when it changed, logged. */
	static final Duration ADVICE_CHECK_INTERVAL = Duration.ofSeconds(10);

	@Bean
	Workload workload(WorkloadProperties properties) {
		if (properties.getSampleEvery() < 1) {
			throw new InvalidWorkerSettingException("server.workload.sample-every", properties.getSampleEvery(),
					"a whole number of at least 1 (one request in this many is measured)");
		}
		Duration interval = properties.getSampleInterval();
		if (interval.compareTo(Duration.ofMillis(1)) < 0) {
			throw new InvalidWorkerSettingException("server.workload.sample-interval", interval,
					"a duration of at least 1ms, e.g. 200ms");
		}
		if (properties.getMinSamples() < 1) {
			throw new InvalidWorkerSettingException("server.workload.min-samples", properties.getMinSamples(),
					"a whole number of at least 1");
		}
		return new Workload(properties.getSampleEvery(), List.of());
	}

	@Bean
	WorkloadAdvice workloadAdvice(Workload workload, WorkloadProperties properties, WorkerSettings settings,
			WorkerClassProperties classProperties, ObjectProvider<WorkersDiagnostics> diagnostics) {
		boolean reactive = !settings.workerClass().isServlet();
		String workerClass = (classProperties.getWorkerClass() != null) ? settings.workerClass().canonicalName()
				: "none";
		Supplier<Advisor.Context> context = () -> {
			WorkersDiagnostics watched = diagnostics.getIfAvailable();
			long nativeCalls = (watched != null)
					? watched.virtualThreadReport().map(VirtualThreadReport::nativeCallFindings).orElse(0L) : 0;
			long blockedLoops = (watched != null) ? watched.blockedLoops() : 0;
			return new Advisor.Context(workerClass, reactive, properties.getMinSamples(), nativeCalls, blockedLoops);
		};
		return new WorkloadAdvice(workload, context);
	}

	@Bean
	WorkloadLifecycle workloadLifecycle(Workload workload, WorkloadAdvice advice, WorkloadProperties properties,
			Workers workers, ObjectProvider<OffloadWorkers> offload, ObjectProvider<JdbcPools> jdbcPools) {
		AdviceLog log = new AdviceLog(advice::advice);
		Supplier<WorkloadSampler> sampler = () -> new WorkloadSampler(workload, properties.getSampleInterval(),
				workers::snapshot, ADVICE_CHECK_INTERVAL, log::check);
		Supplier<List<PoolGauge>> pools = () -> {
			List<PoolGauge> found = new ArrayList<>();
			OffloadWorkers pool = offload.getIfAvailable();
			if (pool != null) {
				found.add(new OffloadGauge(pool));
			}
			JdbcPools jdbc = jdbcPools.getIfAvailable();
			if (jdbc != null) {
				found.addAll(jdbc.gauges());
			}
			return found;
		};
		return new WorkloadLifecycle(sampler, pools, workload::watch);
	}

	/** The JDBC pools, read from the context once it has started: HikariCP's, when it is on the class path. */
	@FunctionalInterface
	interface JdbcPools {

		List<PoolGauge> gauges();

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "com.zaxxer.hikari.HikariDataSource")
	static class HikariConfiguration {

		@Bean
		JdbcPools workloadHikariPools(ListableBeanFactory beans) {
			return () -> {
				List<PoolGauge> gauges = new ArrayList<>();
				for (DataSource dataSource : beans.getBeansOfType(DataSource.class, false, false).values()) {
					HikariDataSource hikari = unwrap(dataSource);
					if (hikari != null) {
						gauges.add(new HikariPoolGauge(hikari));
					}
				}
				return gauges;
			};
		}

		private static @org.jspecify.annotations.Nullable HikariDataSource unwrap(DataSource dataSource) {
			if (dataSource instanceof HikariDataSource hikari) {
				return hikari;
			}
			try {
				return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class)
						: null;
			}
			catch (Exception ex) {
				return null;
			}
		}

	}

	/** The offload pool: its threads, the slots held and the tasks in its line. */
	private record OffloadGauge(OffloadWorkers pool) implements PoolGauge {

		@Override
		public Kind kind() {
			return Kind.OFFLOAD;
		}

		@Override
		public String name() {
			return "offload";
		}

		@Override
		public int size() {
			return this.pool.settings().capacity();
		}

		@Override
		public int busy() {
			return this.pool.snapshot().busy();
		}

		@Override
		public int waiting() {
			return this.pool.snapshot().queued();
		}

	}

}
