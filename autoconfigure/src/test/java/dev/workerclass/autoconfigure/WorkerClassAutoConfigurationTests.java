package dev.workerclass.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import dev.workerclass.diagnostics.WorkersDiagnostics;
import dev.workerclass.jetty.JettyWorkersCustomizer;
import dev.workerclass.netty.NettyWorkersCustomizer;
import dev.workerclass.offload.AutoOffload;
import dev.workerclass.servlet.WorkersServletFilter;
import dev.workerclass.tomcat.TomcatWorkersCustomizer;
import dev.workerclass.undertow.UndertowReactiveWebServerFactory;
import dev.workerclass.webflux.BlockingOffloadConfigurer;
import dev.workerclass.webflux.ObservingWebFilter;
import dev.workerclass.webflux.WorkersWebFilter;
import dev.workerclass.workers.ControlPlane;
import dev.workerclass.workers.InvalidWorkerSettingException;
import dev.workerclass.workers.ObservedWorkers;
import dev.workerclass.workers.OffloadWorkers;
import dev.workerclass.workers.ReactiveWorkers;
import dev.workerclass.workers.SyncWorkers;
import dev.workerclass.workers.ThreadWorkers;
import dev.workerclass.workers.VirtualWorkers;
import dev.workerclass.workers.WorkerClass;
import dev.workerclass.workers.WorkerSettings;
import dev.workerclass.workers.Workers;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.web.method.HandlerMethod;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Specification of {@link WorkerClassAutoConfiguration}: what an application gets for each
 * {@code server.worker-class} and how a bad setting is reported.
 */
class WorkerClassAutoConfigurationTests {

	private static final int CORES = Runtime.getRuntime().availableProcessors();

	private final WebApplicationContextRunner servlet = new WebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with());

	private final ReactiveWebApplicationContextRunner reactive = new ReactiveWebApplicationContextRunner()
		.withConfiguration(WorkerClassAutoConfigurations.with());

	@Nested
	class ChoosingTheClass {

		@Test
		void withoutAClassTheContainersOwnPoolServesAndIsReportedAsThreadOfTwoHundred() {
			WorkerClassAutoConfigurationTests.this.servlet.run((context) -> {
				WorkerSettings settings = context.getBean(WorkerSettings.class);
				assertThat(settings.workerClass()).isEqualTo(WorkerClass.THREAD);
				assertThat(settings.workers()).isEqualTo(1);
				assertThat(settings.threads()).isEqualTo(200);
				assertThat(settings.capacity()).isEqualTo(200);
				assertThat(settings.hasTimeout()).isFalse();
				assertThat(context).getBean(Workers.class).isInstanceOf(ObservedWorkers.class);
				assertThat(context).doesNotHaveBean(TomcatWorkersCustomizer.class);
				assertThat(context).doesNotHaveBean(JettyWorkersCustomizer.class);
			});
		}

		@Test
		void withoutAClassTheReportedPoolFollowsTomcatsMaxThreads() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.tomcat.threads.max=50")
				.run((context) -> assertThat(context.getBean(Workers.class).snapshot().capacity()).isEqualTo(50));
		}

		@Test
		void withoutAClassTheWorkersCannotBeResized() {
			WorkerClassAutoConfigurationTests.this.servlet.run((context) -> assertThatExceptionOfType(
					InvalidWorkerSettingException.class)
				.isThrownBy(() -> context.getBean(Workers.class).resize(2, null, null))
				.withMessageContaining("server.worker-class"));
		}

		@Test
		void virtualThreadsEnabledWithoutAClassRunsVirtual() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("spring.threads.virtual.enabled=true")
				.run((context) -> {
					assertThat(context.getBean(WorkerSettings.class).workerClass()).isEqualTo(WorkerClass.VIRTUAL);
					assertThat(context).getBean(Workers.class).isInstanceOf(ObservedWorkers.class);
				});
		}

		@Test
		void anExplicitClassWinsOverVirtualThreadsEnabled() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("spring.threads.virtual.enabled=true", "server.worker-class=sync")
				.run((context) -> {
					assertThat(context.getBean(WorkerSettings.class).workerClass()).isEqualTo(WorkerClass.SYNC);
					assertThat(context).getBean(Workers.class).isInstanceOf(SyncWorkers.class);
				});
		}

		@Test
		void virtualThreadsDisabledKeepsThread() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("spring.threads.virtual.enabled=false")
				.run((context) -> assertThat(context.getBean(WorkerSettings.class).workerClass())
					.isEqualTo(WorkerClass.THREAD));
		}

		@Test
		void sizesComeFromTheProperties() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=gthread", "server.workers=3", "server.threads=4",
						"server.backlog=64", "server.keep-alive=7s", "server.graceful-timeout=9s")
				.run((context) -> {
					WorkerSettings settings = context.getBean(WorkerSettings.class);
					assertThat(settings.workerClass()).isEqualTo(WorkerClass.THREAD);
					assertThat(settings.workers()).isEqualTo(3);
					assertThat(settings.threads()).isEqualTo(4);
					assertThat(settings.capacity()).isEqualTo(12);
					assertThat(settings.backlog()).isEqualTo(64);
					assertThat(settings.keepAlive()).hasSeconds(7);
					assertThat(settings.gracefulTimeout()).hasSeconds(9);
					assertThat(context.getBean(Workers.class).snapshot().capacity()).isEqualTo(12);
				});
		}

		@Test
		void theClassNameIsReadCaseInsensitively() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.worker-class= GEvent ")
				.run((context) -> assertThat(context.getBean(WorkerSettings.class).workerClass())
					.isEqualTo(WorkerClass.VIRTUAL));
		}

		@Test
		void anApplicationsOwnSettingsBeanIsUsed() {
			WorkerClassAutoConfigurationTests.this.servlet.withUserConfiguration(OwnSettingsConfiguration.class)
				.withPropertyValues("server.worker-class=sync")
				.run((context) -> {
					assertThat(context).getBean(WorkerSettings.class).isSameAs(OwnSettingsConfiguration.SETTINGS);
					assertThat(context).getBean(Workers.class).isInstanceOf(VirtualWorkers.class);
				});
		}

	}

	static Stream<Arguments> servletNames() {
		return Stream.of(Arguments.of("sync", WorkerClass.SYNC, SyncWorkers.class),
				Arguments.of("thread", WorkerClass.THREAD, ThreadWorkers.class),
				Arguments.of("gthread", WorkerClass.THREAD, ThreadWorkers.class),
				Arguments.of("threads", WorkerClass.THREAD, ThreadWorkers.class),
				Arguments.of("virtual", WorkerClass.VIRTUAL, VirtualWorkers.class),
				Arguments.of("async", WorkerClass.VIRTUAL, VirtualWorkers.class),
				Arguments.of("gevent", WorkerClass.VIRTUAL, VirtualWorkers.class),
				Arguments.of("eventlet", WorkerClass.VIRTUAL, VirtualWorkers.class),
				Arguments.of("green", WorkerClass.VIRTUAL, VirtualWorkers.class));
	}

	@ParameterizedTest(name = "server.worker-class={0}")
	@MethodSource("servletNames")
	void everyServletNameGivesItsClassAndWorkers(String name, WorkerClass workerClass, Class<?> workersType) {
		this.servlet.withPropertyValues("server.worker-class=" + name).run((context) -> {
			assertThat(context).hasNotFailed();
			WorkerSettings settings = context.getBean(WorkerSettings.class);
			assertThat(settings.workerClass()).isEqualTo(workerClass);
			assertThat(settings).isEqualTo(WorkerSettings.builder()
				.workerClass(workerClass.canonicalName())
				.resolve(CORES));
			assertThat(context).getBean(Workers.class).isExactlyInstanceOf(workersType);
		});
	}

	@ParameterizedTest(name = "server.worker-class={0}")
	@MethodSource("dev.workerclass.autoconfigure.WorkerClassAutoConfigurationTests#reactiveNames")
	void everyReactiveNameGivesReactiveWorkers(String name) {
		this.reactive.withPropertyValues("server.worker-class=" + name).run((context) -> {
			assertThat(context).hasNotFailed();
			WorkerSettings settings = context.getBean(WorkerSettings.class);
			assertThat(settings.workerClass()).isEqualTo(WorkerClass.REACTIVE);
			assertThat(settings.workers()).isEqualTo(CORES);
			assertThat(settings.workerConnections()).isEqualTo(1000);
			assertThat(context).getBean(Workers.class).isExactlyInstanceOf(ReactiveWorkers.class);
		});
	}

	static Stream<String> reactiveNames() {
		return Stream.of("reactive", "tornado", "aiohttp", "gaiohttp", "asyncio", "event-loop", "Event-Loop");
	}

	@Nested
	class Engines {

		@Test
		void aServletApplicationGetsTheTomcatCustomizer() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.worker-class=virtual")
				.run((context) -> {
					assertThat(context).hasSingleBean(TomcatWorkersCustomizer.class);
					assertThat(context).doesNotHaveBean(WorkersWebFilter.class);
					assertThat(context).doesNotHaveBean(BlockingOffloadConfigurer.class);
					assertThat(context).doesNotHaveBean(NettyWorkersCustomizer.class);
				});
		}

		@Test
		void theJettyCustomizerNeedsJetty() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.worker-class=thread")
				.run((context) -> assertThat(context).hasSingleBean(JettyWorkersCustomizer.class));
			WorkerClassAutoConfigurationTests.this.servlet.withClassLoader(new FilteredClassLoader("org.eclipse.jetty"))
				.withPropertyValues("server.worker-class=thread")
				.run((context) -> {
					assertThat(context).hasSingleBean(TomcatWorkersCustomizer.class);
					assertThat(context).doesNotHaveBean(JettyWorkersCustomizer.class);
				});
		}

		@Test
		void theTomcatCustomizerNeedsTomcat() {
			WorkerClassAutoConfigurationTests.this.servlet.withClassLoader(new FilteredClassLoader("org.apache.catalina"))
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context).doesNotHaveBean(TomcatWorkersCustomizer.class);
				});
		}

		@Test
		void aReactiveApplicationGetsAdmissionOffloadAndReactorNetty() {
			WorkerClassAutoConfigurationTests.this.reactive.withPropertyValues("server.worker-class=reactive")
				.run((context) -> {
					assertThat(context).hasSingleBean(ReactiveWorkers.class);
					assertThat(context).hasSingleBean(WorkersWebFilter.class);
					assertThat(context).hasSingleBean(BlockingOffloadConfigurer.class);
					assertThat(context).hasSingleBean(NettyWorkersCustomizer.class);
					assertThat(context).hasSingleBean(NettyReactiveWebServerFactory.class);
					assertThat(context).doesNotHaveBean(TomcatWorkersCustomizer.class);
					assertThat(context).doesNotHaveBean(JettyWorkersCustomizer.class);
				});
		}

		@Test
		void theReactorNettyFactoryUsesTheWorkersCustomizer() {
			WorkerClassAutoConfigurationTests.this.reactive.withPropertyValues("server.worker-class=reactive")
				.run((context) -> assertThat(context.getBean(NettyReactiveWebServerFactory.class).getServerCustomizers())
					.contains(context.getBean(NettyWorkersCustomizer.class)));
		}

		@Test
		void anApplicationsOwnReactiveServerFactoryIsKept() {
			WorkerClassAutoConfigurationTests.this.reactive.withPropertyValues("server.worker-class=reactive")
				.withUserConfiguration(OwnNettyFactoryConfiguration.class)
				.run((context) -> assertThat(context).getBean(NettyReactiveWebServerFactory.class)
					.isSameAs(context.getBean("ownFactory")));
		}

	}

	@Nested
	class ChoosingTheEngine {

		private final ReactiveWebApplicationContextRunner reactive = WorkerClassAutoConfigurationTests.this.reactive
			.withPropertyValues("server.worker-class=reactive");

		@Test
		void withoutAnEngineReactiveRunsOnReactorNetty() {
			this.reactive.run((context) -> {
				assertThat(context).hasSingleBean(NettyReactiveWebServerFactory.class);
				assertThat(context).hasSingleBean(NettyWorkersCustomizer.class);
				assertThat(context).doesNotHaveBean(UndertowReactiveWebServerFactory.class);
			});
		}

		@Test
		void nettyByNameIsTheSame() {
			this.reactive.withPropertyValues("server.engine=netty")
				.run((context) -> assertThat(context).hasSingleBean(NettyReactiveWebServerFactory.class)
					.doesNotHaveBean(UndertowReactiveWebServerFactory.class));
		}

		@Test
		void undertowGetsItsFactoryWithOneIoThreadPerWorkerAndNoNettyBeans() {
			this.reactive.withPropertyValues("server.engine=undertow", "server.workers=3", "server.backlog=64")
				.run((context) -> {
					assertThat(context).hasSingleBean(UndertowReactiveWebServerFactory.class);
					assertThat(context).doesNotHaveBean(NettyReactiveWebServerFactory.class);
					assertThat(context).doesNotHaveBean(NettyWorkersCustomizer.class);
					assertThat(context).hasSingleBean(WorkersWebFilter.class);
					assertThat(context).hasSingleBean(BlockingOffloadConfigurer.class);
					assertThat(context.getBean(UndertowReactiveWebServerFactory.class).getIoThreads()).isEqualTo(3);
					assertThat(context.getBean(WorkersDiagnostics.class).eventLoopReport()).isPresent();
				});
		}

		@Test
		void onUndertowTheWorkerCountCannotBeResized() {
			this.reactive.withPropertyValues("server.engine=undertow", "server.workers=2").run((context) -> {
				Workers workers = context.getBean(Workers.class);
				assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(InvalidWorkerSettingException.class,
						() -> workers.resize(3, null, null)))
					.hasMessageContaining("workers=3")
					.hasMessageContaining("Undertow's I/O threads are fixed");
				assertThat(workers.resize(null, null, 5).capacity()).isEqualTo(10);
				assertThat(workers.settings().workers()).isEqualTo(2);
			});
		}

		@Test
		void theEngineNameIsReadCaseInsensitively() {
			this.reactive.withPropertyValues("server.engine=Undertow")
				.run((context) -> assertThat(context).hasSingleBean(ReactiveWorkers.class));
		}

		@Test
		void anUnknownEngineFailsStartUpNamingTheValidOnes() {
			this.reactive.withPropertyValues("server.engine=undertwo").run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause().isInstanceOf(InvalidWorkerSettingException.class);
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("server.engine=undertwo")
					.contains("netty (the default) or undertow");
				assertThat(analysis.getAction()).contains("server.engine");
			});
		}

		@Test
		void aBlankEngineFailsStartUpRatherThanPickingNone() {
			this.reactive.withPropertyValues("server.engine= ").run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analyze(context.getStartupFailure()).getDescription()).contains("server.engine=")
					.contains("netty (the default) or undertow");
			});
		}

		@Test
		void undertowWithoutUndertowCoreFailsStartUpNamingTheArtifact() {
			this.reactive.withPropertyValues("server.engine=undertow")
				.withClassLoader(new FilteredClassLoader("io.undertow"))
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.engine=undertow")
						.contains("io.undertow:undertow-core");
				});
		}

		@Test
		void aServletContainerNameFailsForReactive() {
			this.reactive.withPropertyValues("server.engine=tomcat").run((context) -> {
				assertThat(context).hasFailed();
				assertThat(analyze(context.getStartupFailure()).getDescription()).contains("server.engine=tomcat")
					.contains("serves the servlet classes");
			});
		}

		@Test
		void aServletClassAcceptsTheContainerOnTheClassPath() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=thread", "server.engine=tomcat")
				.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(TomcatWorkersCustomizer.class));
		}

		@Test
		void aServletClassRefusesAReactiveEngine() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=virtual", "server.engine=undertow")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(analyze(context.getStartupFailure()).getDescription())
						.contains("server.engine=undertow")
						.contains("netty and undertow serve the reactive class only");
				});
		}

		@Test
		void aServletClassRefusesAContainerThatIsNotThere() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=sync", "server.engine=jetty")
				.withClassLoader(new FilteredClassLoader("org.eclipse.jetty"))
				.run((context) -> assertThat(context).hasFailed());
		}

	}

	@Nested
	class BadSettings {

		@Test
		void aMisspeltClassFailsStartUpNamingTheValidNames() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.worker-class=asynk")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(InvalidWorkerSettingException.class);
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.worker-class=asynk")
						.contains("sync, thread, virtual, reactive")
						.contains("did you mean 'async'?");
					assertThat(analysis.getAction()).contains("server.worker-class");
				});
		}

		@Test
		void zeroWorkersFailStartUp() {
			assertWorkersRejected("0");
		}

		@Test
		void negativeWorkersFailStartUp() {
			assertWorkersRejected("-3");
		}

		@Test
		void tooManyWorkersFailStartUp() {
			assertWorkersRejected(String.valueOf(WorkerSettings.MAX_WORKERS + 1));
		}

		private void assertWorkersRejected(String value) {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.workers=" + value)
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.workers=" + value)
						.contains("a whole number from 1 to " + WorkerSettings.MAX_WORKERS);
				});
		}

		@Test
		void workersThatAreNotANumberFailStartUp() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.workers=abc").run((context) -> {
				assertThat(context).hasFailed();
				assertThat(causes(context.getStartupFailure())).hasAtLeastOneElementOfType(BindException.class);
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("server.workers=abc")
					.contains("a whole number from 1 to " + WorkerSettings.MAX_WORKERS);
				assertThat(analysis.getAction()).contains("server.workers");
			});
		}

		@Test
		void zeroWorkerConnectionsFailStartUp() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=virtual", "server.worker-connections=0")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.worker-connections=0")
						.contains("a whole number from 1 to " + WorkerSettings.MAX_PER_WORKER);
				});
		}

		@Test
		void aDurationThatIsNotADurationFailsStartUp() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.keep-alive=soon")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.keep-alive=soon").contains("a duration");
				});
		}

		@Test
		void aNegativeGracefulTimeoutFailsStartUp() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.graceful-timeout=-1s")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.graceful-timeout")
						.contains("zero or more");
				});
		}

		@Test
		void reactiveInAServletApplicationFailsStartUpPointingToWebFlux() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.worker-class=tornado")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(MissingWebStackException.class);
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.worker-class=tornado")
						.contains("spring.main.web-application-type=servlet");
					assertThat(analysis.getAction()).contains("sync, thread or virtual");
				});
		}

		@Test
		void reactiveWithoutWebFluxFailsStartUpNamingTheStarterToAdd() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.worker-class=reactive")
				.withClassLoader(new FilteredClassLoader("org.springframework.web.reactive"))
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.worker-class=reactive")
						.contains("Spring WebFlux is not on the class path");
					assertThat(analysis.getAction()).contains("spring-boot-starter-webflux")
						.contains("sync, thread or virtual");
				});
		}

		@Test
		void aServletClassWithoutSpringMvcFailsStartUpNamingTheStarterToAdd() {
			WorkerClassAutoConfigurationTests.this.reactive.withPropertyValues("server.worker-class=async")
				.withClassLoader(new FilteredClassLoader("org.springframework.web.servlet"))
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.worker-class=async")
						.contains("Spring MVC is not on the class path");
					assertThat(analysis.getAction()).contains("spring-boot-starter-web")
						.contains("server.worker-class=reactive");
				});
		}

		@Test
		void aServletClassInAReactiveApplicationFailsStartUpPointingToSpringMvc() {
			WorkerClassAutoConfigurationTests.this.reactive.withPropertyValues("server.worker-class=virtual")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(MissingWebStackException.class);
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.worker-class=virtual")
						.contains("spring.main.web-application-type=reactive");
				});
		}

		@Test
		void bothAnalyzersAgreeOnTheBacklogRange() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.backlog=x").run((notANumber) -> {
				String bindExpectation = analyze(notANumber.getStartupFailure()).getDescription();
				WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.backlog=-1")
					.run((negative) -> assertThat(analyze(negative.getStartupFailure()).getDescription())
						.contains(bindExpectation.substring(bindExpectation.indexOf("Expected"))));
			});
		}

	}

	@Test
	void aReactiveApplicationWithoutAClassRunsReactive() {
		this.reactive.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(WorkerSettings.class).workerClass()).isEqualTo(WorkerClass.REACTIVE);
		});
	}

	@Test
	void aReactiveApplicationWithoutAClassRunsReactiveEvenWithVirtualThreadsEnabled() {
		this.reactive.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(WorkerSettings.class).workerClass()).isEqualTo(WorkerClass.REACTIVE);
			assertThat(context).getBean(Workers.class).isExactlyInstanceOf(ObservedWorkers.class);
			// Boot runs blocking handlers on virtual threads then; the starter leaves that alone.
			assertThat(context).doesNotHaveBean(BlockingOffloadConfigurer.class);
		});
	}

	@Test
	void aReactiveApplicationWithoutAClassRunsAsPlainWebFluxAndIsOnlyObserved() {
		this.reactive.run((context) -> {
			assertThat(context).getBean(Workers.class).isExactlyInstanceOf(ObservedWorkers.class);
			assertThat(context.getBean(Workers.class).snapshot().workers()).isEqualTo(Math.max(CORES, 4));
			assertThat(context.getBean(WorkerSettings.class).hasTimeout()).isFalse();
			// Reactor Netty's own server and loops, no admission filter, @Blocking still offloaded.
			assertThat(context).doesNotHaveBean(NettyWorkersCustomizer.class);
			assertThat(context).doesNotHaveBean(NettyReactiveWebServerFactory.class);
			assertThat(context).doesNotHaveBean(WorkersWebFilter.class);
			assertThat(context).hasSingleBean(ObservingWebFilter.class);
			assertThat(context.getBean(BlockingOffloadConfigurer.class).runsOffTheLoop(
					new HandlerMethod(new PlainValueHandler(), PlainValueHandler.class.getMethod("plain")))).isFalse();
		});
	}

	@Test
	void aReactiveApplicationWithAnEngineButNoClassRunsTheReactiveClass() {
		this.reactive.withPropertyValues("server.engine=netty")
			.run((context) -> assertThat(context).getBean(Workers.class).isExactlyInstanceOf(ReactiveWorkers.class));
	}

	static class PlainValueHandler {

		public String plain() {
			return "plain";
		}

	}

	@Nested
	class Limits {

		@Test
		void maxWorkersAndMaxQueuedComeFromTheProperties() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=sync", "server.workers=3", "server.max-workers=5",
						"server.max-queued=7")
				.run((context) -> {
					WorkerSettings settings = context.getBean(WorkerSettings.class);
					assertThat(settings.maxWorkers()).isEqualTo(5);
					assertThat(settings.maxQueued()).isEqualTo(7);
					assertThat(context.getBean(Workers.class).snapshot().maxWorkers()).isEqualTo(5);
					assertThat(context.getBean(Workers.class).snapshot().maxQueued()).isEqualTo(7);
				});
		}

		@Test
		void withoutThemTheDefaultsApply() {
			WorkerClassAutoConfigurationTests.this.servlet.run((context) -> {
				WorkerSettings settings = context.getBean(WorkerSettings.class);
				assertThat(settings.maxWorkers()).isEqualTo(16);
				assertThat(settings.maxQueued()).isEqualTo(2000);
			});
		}

		@Test
		void maxWorkersBelowTheWorkersFailsStartUp() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=sync", "server.workers=4", "server.max-workers=2")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.max-workers=2")
						.contains("server.workers (4)");
					assertThat(analysis.getAction()).contains("server.max-workers");
				});
		}

		@Test
		void aNegativeMaxQueuedFailsStartUp() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.max-queued=-1").run((context) -> {
				assertThat(context).hasFailed();
				FailureAnalysis analysis = analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).contains("server.max-queued=-1")
					.contains("a whole number from 0 to " + WorkerSettings.MAX_CAPACITY);
			});
		}

		@Test
		void aMaxQueuedThatIsNotANumberFailsStartUpWithTheSameRange() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.max-queued=lots")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.max-queued=lots")
						.contains("a whole number from 0 to " + WorkerSettings.MAX_CAPACITY);
				});
		}

		@Test
		void aMaxWorkersThatIsNotANumberFailsStartUp() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.max-workers=many")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.max-workers=many")
						.contains("a whole number from 1 to " + WorkerSettings.MAX_WORKERS);
				});
		}

	}

	@Nested
	class TheControlPlane {

		@Test
		void isTheActuatorBasePathOnTheApplicationPort() {
			WorkerClassAutoConfigurationTests.this.servlet.run((context) -> {
				ControlPlane controlPlane = context.getBean(ControlPlane.class);
				assertThat(controlPlane.prefixes()).containsExactly("/actuator");
				assertThat(controlPlane.matches("/actuator/workers")).isTrue();
				assertThat(controlPlane.matches("/hello")).isFalse();
			});
		}

		@Test
		void followsACustomBasePath() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("management.endpoints.web.base-path=/manage/")
				.run((context) -> {
					ControlPlane controlPlane = context.getBean(ControlPlane.class);
					assertThat(controlPlane.prefixes()).containsExactly("/manage");
					assertThat(controlPlane.matches("/manage/workers")).isTrue();
					assertThat(controlPlane.matches("/actuator/workers")).isFalse();
				});
		}

		@Test
		void isTheSameWhenTheManagementPortIsTheServerPort() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.port=9090", "management.server.port=9090")
				.run((context) -> assertThat(context.getBean(ControlPlane.class).prefixes())
					.containsExactly("/actuator"));
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("management.server.port=8080")
				.run((context) -> assertThat(context.getBean(ControlPlane.class).prefixes())
					.containsExactly("/actuator"));
		}

		@Test
		void isNoneWhenActuatorHasAPortOfItsOwn() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("management.server.port=9091")
				.run((context) -> assertThat(context.getBean(ControlPlane.class)).isSameAs(ControlPlane.none()));
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.port=9090", "management.server.port=9091")
				.run((context) -> assertThat(context.getBean(ControlPlane.class)).isSameAs(ControlPlane.none()));
		}

		@Test
		void includesBootsProbePathsOnTheApplicationPortSoAFullLineCannotFailLiveness() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("management.endpoint.health.probes.add-additional-paths=true")
				.run((context) -> {
					ControlPlane controlPlane = context.getBean(ControlPlane.class);
					assertThat(controlPlane.prefixes()).containsExactly("/actuator", "/livez", "/readyz");
					assertThat(controlPlane.matches("/livez")).isTrue();
				});
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("management.endpoint.health.probes.add-additional-paths=true",
						"management.server.port=9091")
				.run((context) -> assertThat(context.getBean(ControlPlane.class).prefixes())
					.containsExactly("/livez", "/readyz"));
		}

		@Test
		void isNoneWhenActuatorHasARandomPortOfItsOwn() {
			WorkerClassAutoConfigurationTests.this.servlet.withPropertyValues("server.port=0", "management.server.port=0")
				.run((context) -> assertThat(context.getBean(ControlPlane.class)).isSameAs(ControlPlane.none()));
		}

		@Test
		void isNoneWithoutActuator() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate"))
				.run((context) -> assertThat(context.getBean(ControlPlane.class)).isSameAs(ControlPlane.none()));
		}

		@Test
		void anApplicationsOwnControlPlaneIsUsed() {
			WorkerClassAutoConfigurationTests.this.servlet.withUserConfiguration(OwnControlPlaneConfiguration.class)
				.run((context) -> assertThat(context).getBean(ControlPlane.class)
					.isSameAs(OwnControlPlaneConfiguration.CONTROL_PLANE));
		}

		@Test
		void isThereInAReactiveApplicationToo() {
			WorkerClassAutoConfigurationTests.this.reactive.run((context) -> assertThat(
					context.getBean(ControlPlane.class).prefixes())
				.containsExactly("/actuator"));
		}

	}

	@Nested
	class Filters {

		@Test
		void aServletApplicationGetsTheWorkersFilterFirstInTheChain() {
			WorkerClassAutoConfigurationTests.this.servlet.run((context) -> {
				FilterRegistrationBean<?> registration = context.getBean("workersServletFilter",
						FilterRegistrationBean.class);
				assertThat(registration.getFilter()).isInstanceOf(WorkersServletFilter.class);
				assertThat(registration.getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
				assertThat(registration.isEnabled()).isTrue();
				assertThat(context).doesNotHaveBean(WorkersWebFilter.class);
			});
		}

		@Test
		void aReactiveApplicationGetsTheWorkersWebFilterFirstInTheChain() {
			WorkerClassAutoConfigurationTests.this.reactive.withPropertyValues("server.worker-class=reactive")
				.run((context) -> {
					assertThat(context).hasSingleBean(WorkersWebFilter.class);
					assertThat(context.getBean(WorkersWebFilter.class).getOrder()).isEqualTo(Ordered.HIGHEST_PRECEDENCE);
					assertThat(context).doesNotHaveBean(FilterRegistrationBean.class);
				});
		}

	}

	@Nested
	@ExtendWith(OutputCaptureExtension.class)
	class IgnoredSettings {

		@Test
		void threadsWithVirtualAreReportedAsIgnored(CapturedOutput output) {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=virtual", "server.threads=50")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(output).contains("WARN")
						.contains("server.threads=50 does not apply to worker class virtual and is ignored");
				});
		}

		@Test
		void workerConnectionsWithSyncAreReportedAsIgnored(CapturedOutput output) {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=sync", "server.worker-connections=5")
				.run((context) -> assertThat(output)
					.contains("server.worker-connections=5 does not apply to worker class sync and is ignored"));
		}

		@Test
		void settingsThatApplyAreNotReported(CapturedOutput output) {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=thread", "server.threads=50")
				.run((context) -> assertThat(output).doesNotContain("does not apply to worker class"));
		}

	}

	@Nested
	@ExtendWith(OutputCaptureExtension.class)
	class OffloadModes {

		@Test
		void alwaysIsTheDefaultAndMeasuresNothing() {
			WorkerClassAutoConfigurationTests.this.reactive.withPropertyValues("server.worker-class=reactive")
				.run((context) -> {
					assertThat(context).hasSingleBean(BlockingOffloadConfigurer.class);
					assertThat(context).doesNotHaveBean(AutoOffload.class);
				});
		}

		@Test
		void autoUnderReactiveMeasuresEachHandler() {
			WorkerClassAutoConfigurationTests.this.reactive
				.withPropertyValues("server.worker-class=reactive", "server.offload=AUTO")
				.run((context) -> {
					assertThat(context).hasSingleBean(AutoOffload.class);
					assertThat(context.getBean(AutoOffload.class).report()).isEmpty();
				});
		}

		@Test
		void autoWithDiagnosticsOffFailsStartUpNamingBothProperties() {
			WorkerClassAutoConfigurationTests.this.reactive
				.withPropertyValues("server.worker-class=reactive", "server.offload=auto",
						"server.diagnostics.enabled=false")
				.run((context) -> {
					assertThat(context).hasFailed();
					assertThat(context.getStartupFailure()).rootCause()
						.isInstanceOf(InvalidWorkerSettingException.class);
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.offload=auto")
						.contains("server.diagnostics.enabled=false");
					assertThat(analysis.getAction()).contains("server.offload");
				});
		}

		@Test
		void aMisspeltModeFailsStartUpNamingTheValidOnes() {
			WorkerClassAutoConfigurationTests.this.reactive
				.withPropertyValues("server.worker-class=reactive", "server.offload=sometimes")
				.run((context) -> {
					assertThat(context).hasFailed();
					FailureAnalysis analysis = analyze(context.getStartupFailure());
					assertThat(analysis.getDescription()).contains("server.offload=sometimes").contains("always or auto");
				});
		}

		@Test
		void aMisspeltModeFailsStartUpUnderAServletClassToo() {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=thread", "server.offload=sometimes")
				.run((context) -> assertThat(context).hasFailed());
		}

		@Test
		void autoUnderAServletClassIsReportedAsIgnored(CapturedOutput output) {
			WorkerClassAutoConfigurationTests.this.servlet
				.withPropertyValues("server.worker-class=thread", "server.offload=auto")
				.run((context) -> {
					assertThat(context).hasNotFailed();
					assertThat(context).doesNotHaveBean(AutoOffload.class);
					assertThat(output).contains("server.offload=auto does not apply to worker class thread");
				});
		}

	}

	@Test
	void nothingIsConfiguredOutsideAWebApplication() {
		new ApplicationContextRunner().withConfiguration(WorkerClassAutoConfigurations.with())
			.withPropertyValues("server.worker-class=asynk")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(WorkerSettings.class);
				assertThat(context).doesNotHaveBean(Workers.class);
				assertThat(context).doesNotHaveBean(WorkerClassProperties.class);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread", "virtual" })
	void theOffloadPoolIsAPoolBesideTheWorkersNotOneOfThem(String name) {
		this.servlet.withPropertyValues("server.worker-class=" + name).run((context) -> {
			assertThat(context).hasSingleBean(Workers.class).hasSingleBean(OffloadWorkers.class);
			assertThat(context.getBean(OffloadWorkers.class)).isNotInstanceOf(Workers.class);
		});
	}

	@Test
	void theReactiveClassHasOneWorkersBeanBesideTheOffloadPool() {
		this.reactive.withPropertyValues("server.worker-class=reactive")
			.run((context) -> assertThat(context).hasSingleBean(Workers.class).hasSingleBean(OffloadWorkers.class));
	}

	@Test
	void theWorkersThreadsStopWithTheContext() throws Exception {
		AtomicReference<Thread> worker = new AtomicReference<>();
		this.servlet.withPropertyValues("server.worker-class=thread", "server.threads=2").run((context) -> {
			boolean served = (context.getBean(Workers.class).serve(() -> worker.set(Thread.currentThread())) == Workers.Outcome.SERVED);
			assertThat(served).isTrue();
			assertThat(worker.get().getName()).startsWith("workerclass-thread-");
		});
		worker.get().join(10_000);
		assertThat(worker.get().isAlive()).as("%s alive after the context closed", worker.get().getName()).isFalse();
	}

	static List<Throwable> causes(Throwable failure) {
		List<Throwable> causes = new ArrayList<>();
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			causes.add(cause);
		}
		return causes;
	}

	static FailureAnalysis analyze(Throwable failure) {
		// The starter's analyzers as spring.factories registers them, so a missing registration fails too.
		// Boot's own analyzers need constructor arguments; they are skipped, not failed on.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(WorkerClassAutoConfigurationTests.class.getClassLoader())
			.load(FailureAnalyzer.class, SpringFactoriesLoader.FailureHandler.handleMessage((message, ex) -> {
			}))
			.stream()
			.filter((analyzer) -> analyzer.getClass().getPackageName().startsWith("dev.workerclass"))
			.toList();
		assertThat(analyzers).hasSize(4);
		for (FailureAnalyzer analyzer : analyzers) {
			FailureAnalysis analysis = analyzer.analyze(failure);
			if (analysis != null) {
				return analysis;
			}
		}
		throw new AssertionError("No workerclass failure analyzer recognised " + failure);
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnSettingsConfiguration {

		static final WorkerSettings SETTINGS = WorkerSettings.builder()
			.workerClass("virtual")
			.workers(1)
			.workerConnections(5)
			.resolve(1);

		@Bean
		WorkerSettings ownSettings() {
			return SETTINGS;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnControlPlaneConfiguration {

		static final ControlPlane CONTROL_PLANE = new ControlPlane(List.of("/ops"));

		@Bean
		ControlPlane ownControlPlane() {
			return CONTROL_PLANE;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnNettyFactoryConfiguration {

		@Bean
		NettyReactiveWebServerFactory ownFactory() {
			return new NettyReactiveWebServerFactory();
		}

	}

}
