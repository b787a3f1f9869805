package dev.workerclass.actuate.autoconfigure;

import java.util.Optional;
import java.util.function.Supplier;

import dev.workerclass.actuate.WorkersEndpoint;
import dev.workerclass.actuate.WorkersHealthIndicator;
import dev.workerclass.actuate.WorkersInfoContributor;
import dev.workerclass.actuate.WorkersMeterBinder;
import dev.workerclass.actuate.WorkersRequestValidator;
import dev.workerclass.autoconfigure.WorkerClassAutoConfiguration;
import dev.workerclass.autoconfigure.WorkerClassAutoConfigurations;
import dev.workerclass.workers.ReactiveWorkers;
import dev.workerclass.workers.Workers;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WorkersEndpointAutoConfiguration}: which actuator pieces an application gets,
 * following actuator's own conventions for exposure and enablement.
 */
class WorkersEndpointAutoConfigurationTests {

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner().withConfiguration(
			WorkerClassAutoConfigurations.with(WorkersEndpointAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				WorkerClassAutoConfigurations.with(WorkersEndpointAutoConfiguration.class));

	@Test
	void isRegisteredAsAnAutoConfiguration() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
			.contains(WorkersEndpointAutoConfiguration.class.getName(), WorkerClassAutoConfiguration.class.getName());
	}

	@Test
	void theEndpointIsNotAvailableUntilItIsExposed() {
		this.servlet.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WorkersEndpoint.class);
			assertThat(context).doesNotHaveBean(WorkersRequestValidator.class);
			// Meters, health and info do not depend on the endpoint's exposure.
			assertThat(context).hasSingleBean(WorkersMeterBinder.class);
			assertThat(context).hasSingleBean(WorkersHealthIndicator.class);
			assertThat(context).hasSingleBean(WorkersInfoContributor.class);
		});
	}

	@Test
	void exposingTheEndpointOverHttpMakesItAvailableWithItsValidator() {
		this.servlet.withPropertyValues("management.endpoints.web.exposure.include=health,workers").run((context) -> {
			assertThat(context).hasSingleBean(WorkersEndpoint.class);
			assertThat(context).hasSingleBean(WorkersRequestValidator.class);
			WorkersEndpoint.WorkersDescriptor shown = context.getBean(WorkersEndpoint.class).workers();
			assertThat(shown.workerClass()).isEqualTo("thread");
			assertThat(shown.engine()).isEqualTo("unknown");
			assertThat(shown.capacity()).isEqualTo(200);
		});
	}

	@Test
	void exposingEveryEndpointIncludesWorkers() {
		this.servlet.withPropertyValues("management.endpoints.web.exposure.include=*")
			.run((context) -> assertThat(context).hasSingleBean(WorkersEndpoint.class));
	}

	@Test
	void anExcludedEndpointIsNotAvailable() {
		this.servlet
			.withPropertyValues("management.endpoints.web.exposure.include=*",
					"management.endpoints.web.exposure.exclude=workers")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(WorkersEndpoint.class);
				assertThat(context).doesNotHaveBean(WorkersRequestValidator.class);
			});
	}

	@Test
	void anEndpointWithNoAccessIsNotAvailable() {
		this.servlet
			.withPropertyValues("management.endpoints.web.exposure.include=workers",
					// Upper case: the runner's environment lacks Boot's lenient enum conversion.
					"management.endpoint.workers.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkersEndpoint.class));
	}

	@Test
	void theEndpointWorksOnTheReactiveWorkersToo() {
		this.reactive.withPropertyValues("server.worker-class=reactive", "management.endpoints.web.exposure.include=workers")
			.run((context) -> {
				assertThat(context).hasSingleBean(WorkersEndpoint.class);
				assertThat(context.getBean(Workers.class)).isInstanceOf(ReactiveWorkers.class);
				WorkersEndpoint.WorkersDescriptor shown = context.getBean(WorkersEndpoint.class).workers();
				assertThat(shown.workerClass()).isEqualTo("reactive");
				assertThat(shown.offload()).isNotNull();
				assertThat(shown.diagnostics()).isNotNull();
				assertThat(context).hasSingleBean(WorkersMeterBinder.class);
			});
	}

	@Test
	void anApplicationsOwnEndpointIsKept() {
		this.servlet.withPropertyValues("management.endpoints.web.exposure.include=workers")
			.withUserConfiguration(OwnEndpointConfiguration.class)
			.run((context) -> assertThat(context).getBean(WorkersEndpoint.class)
				.isSameAs(context.getBean("ownWorkersEndpoint")));
	}

	@Test
	void theHealthIndicatorCanBeSwitchedOff() {
		this.servlet.withPropertyValues("management.health.workers.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkersHealthIndicator.class));
	}

	@Test
	void theInfoContributorCanBeSwitchedOff() {
		this.servlet.withPropertyValues("management.info.workers.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(WorkersInfoContributor.class));
	}

	@Test
	void theInfoContributorGivesTheWorkerClass() {
		this.servlet.withPropertyValues("server.worker-class=gevent").run((context) -> {
			Info.Builder builder = new Info.Builder();
			context.getBean(WorkersInfoContributor.class).contribute(builder);
			assertThat(builder.build().get("workers")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsEntry("workerClass", "virtual")
				.containsEntry("engine", "unknown");
		});
	}

	@Test
	void withoutMicrometerThereAreNoMeters() {
		this.servlet.withClassLoader(new FilteredClassLoader("io.micrometer")).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(WorkersMeterBinder.class);
			assertThat(context).hasSingleBean(WorkersHealthIndicator.class);
		});
	}

	@Test
	void withoutActuatorNothingIsConfigured() {
		this.servlet.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
			.withPropertyValues("management.endpoints.web.exposure.include=workers")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasBean("workers");
				assertThat(context).doesNotHaveBean(WorkersEndpoint.class);
				assertThat(context).doesNotHaveBean(WorkersMeterBinder.class);
				assertThat(context).doesNotHaveBean(WorkersHealthIndicator.class);
				assertThat(context).doesNotHaveBean(WorkersInfoContributor.class);
			});
	}

	@Test
	void withoutWorkersNothingIsConfigured() {
		new ApplicationContextRunner()
			.withConfiguration(
					WorkerClassAutoConfigurations.with(WorkersEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=workers")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(Workers.class);
				assertThat(context).doesNotHaveBean(WorkersEndpoint.class);
				assertThat(context).doesNotHaveBean(WorkersMeterBinder.class);
				assertThat(context).doesNotHaveBean(WorkersHealthIndicator.class);
				assertThat(context).doesNotHaveBean(WorkersInfoContributor.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnEndpointConfiguration {

		@Bean
		WorkersEndpoint ownWorkersEndpoint(Workers workers) {
			Supplier<String> engine = () -> "own";
			return new WorkersEndpoint(workers, Optional.empty(), engine, Optional.empty());
		}

	}

}
