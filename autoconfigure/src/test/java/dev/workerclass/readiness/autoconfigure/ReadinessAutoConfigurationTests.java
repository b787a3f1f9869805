package dev.workerclass.readiness.autoconfigure;

import dev.workerclass.actuate.WorkersHealthIndicator;
import dev.workerclass.actuate.autoconfigure.WorkersEndpointAutoConfiguration;
import dev.workerclass.autoconfigure.WorkerClassAutoConfigurations;
import dev.workerclass.readiness.Readiness;
import dev.workerclass.workers.InvalidWorkerSettingException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.AdditionalPathsMapper;
import org.springframework.boot.actuate.endpoint.web.WebServerNamespace;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.SmartLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReadinessAutoConfiguration}: {@code workers} joins Spring Boot's readiness
 * group, never the liveness group, and the user's own group membership stands.
 */
class ReadinessAutoConfigurationTests {

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with(WorkersEndpointAutoConfiguration.class,
				ReadinessAutoConfiguration.class))
		// Spring Boot's health and probes, listed after ours on purpose: the ordering must come
		// from the auto-configurations' own after attributes.
		.withConfiguration(AutoConfigurations.of(ApplicationAvailabilityAutoConfiguration.class,
				HealthContributorAutoConfiguration.class, HealthContributorRegistryAutoConfiguration.class,
				AvailabilityHealthContributorAutoConfiguration.class, HealthEndpointAutoConfiguration.class,
				AvailabilityProbesAutoConfiguration.class))
		.withPropertyValues("management.endpoint.health.probes.enabled=true");

	@Test
	void isRegisteredAsAnAutoConfiguration() {
		assertThat(ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).getCandidates())
			.contains(ReadinessAutoConfiguration.class.getName());
	}

	@Test
	void workersJoinTheReadinessGroupButNotLiveness() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(Readiness.class);
			HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
			HealthEndpointGroup readiness = groups.get("readiness");
			assertThat(readiness).isNotNull();
			assertThat(readiness.isMember("workers")).isTrue();
			assertThat(readiness.isMember("readinessState")).isTrue();
			HealthEndpointGroup liveness = groups.get("liveness");
			assertThat(liveness).isNotNull();
			assertThat(liveness.isMember("workers")).isFalse();
			assertThat(liveness.isMember("livenessState")).isTrue();
			assertThat(groups.getPrimary().isMember("workers")).isTrue();
		});
	}

	@Test
	void theProbesAdditionalPathsSurvive() {
		this.runner.withPropertyValues("management.endpoint.health.probes.add-additional-paths=true")
			.run((context) -> {
				HealthEndpointGroups groups = context.getBean(HealthEndpointGroups.class);
				assertThat(groups).isInstanceOf(AdditionalPathsMapper.class);
				assertThat(((AdditionalPathsMapper) groups).getAdditionalPaths(EndpointId.of("health"),
						WebServerNamespace.SERVER))
					.containsExactlyInAnyOrder("/livez", "/readyz");
				assertThat(groups.get("readiness").isMember("workers")).isTrue();
			});
	}

	@Test
	void aReadinessGroupWhoseMembersTheUserListedIsLeftAsItIs() {
		this.runner.withPropertyValues("management.endpoint.health.group.readiness.include=readinessState")
			.run((context) -> {
				HealthEndpointGroup readiness = context.getBean(HealthEndpointGroups.class).get("readiness");
				assertThat(readiness.isMember("readinessState")).isTrue();
				assertThat(readiness.isMember("workers")).isFalse();
			});
	}

	@Test
	void readinessCanBeTurnedOff() {
		this.runner.withPropertyValues("server.readiness.enabled=false").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(Readiness.class);
			assertThat(context.getBean(HealthEndpointGroups.class).get("readiness").isMember("workers")).isFalse();
			// Still there, always UP, in the main health.
			assertThat(context).hasSingleBean(WorkersHealthIndicator.class);
		});
	}

	@Test
	void theDrainStopsBeforeTheWebServersGracefulShutdown() {
		this.runner.withPropertyValues("server.readiness.drain-delay=2s").run((context) -> {
			DrainOnShutdown drain = context.getBean(DrainOnShutdown.class);
			// Boot's WebServerGracefulShutdownLifecycle: DEFAULT_PHASE - 1024; higher phases stop first.
			assertThat(drain.getPhase()).isGreaterThan(SmartLifecycle.DEFAULT_PHASE - 1024);
			assertThat(drain.isRunning()).isTrue();
		});
	}

	@Test
	void aNegativeDrainDelayFailsNamingTheProperty() {
		this.runner.withPropertyValues("server.readiness.drain-delay=-1s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidWorkerSettingException.class)
				.hasMessageContaining("server.readiness.drain-delay=PT-1S");
		});
	}

	@Test
	void aDrainDelayAsLongAsTheShutdownPhaseFailsSayingWhatToRaise() {
		this.runner
			.withPropertyValues("server.readiness.drain-delay=30s", "spring.lifecycle.timeout-per-shutdown-phase=30s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("server.readiness.drain-delay=PT30S")
					.hasMessageContaining("spring.lifecycle.timeout-per-shutdown-phase");
			});
	}

	@Test
	void aNegativeHoldFailsNamingTheProperty() {
		this.runner.withPropertyValues("server.readiness.hold=-5s").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("server.readiness.hold=PT-5S");
		});
	}

}
