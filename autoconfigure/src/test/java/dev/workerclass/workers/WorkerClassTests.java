package dev.workerclass.workers;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link WorkerClass}: the names gunicorn users type and the defaults of each class.
 */
class WorkerClassTests {

	static Stream<Arguments> namesAndAliases() {
		return Stream.of(Arguments.of("sync", WorkerClass.SYNC), Arguments.of("thread", WorkerClass.THREAD),
				Arguments.of("gthread", WorkerClass.THREAD), Arguments.of("threads", WorkerClass.THREAD),
				Arguments.of("virtual", WorkerClass.VIRTUAL), Arguments.of("async", WorkerClass.VIRTUAL),
				Arguments.of("gevent", WorkerClass.VIRTUAL), Arguments.of("eventlet", WorkerClass.VIRTUAL),
				Arguments.of("green", WorkerClass.VIRTUAL), Arguments.of("reactive", WorkerClass.REACTIVE),
				Arguments.of("tornado", WorkerClass.REACTIVE), Arguments.of("aiohttp", WorkerClass.REACTIVE),
				Arguments.of("gaiohttp", WorkerClass.REACTIVE), Arguments.of("asyncio", WorkerClass.REACTIVE),
				Arguments.of("event-loop", WorkerClass.REACTIVE));
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@MethodSource("namesAndAliases")
	void everyNameAndAliasParsesToItsClass(String name, WorkerClass expected) {
		assertThat(WorkerClass.parse(name)).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@MethodSource("namesAndAliases")
	void namesAreCaseInsensitive(String name, WorkerClass expected) {
		assertThat(WorkerClass.parse(name.toUpperCase())).isEqualTo(expected);
		assertThat(WorkerClass.parse(Character.toUpperCase(name.charAt(0)) + name.substring(1))).isEqualTo(expected);
	}

	@ParameterizedTest(name = "{0} -> {1}")
	@MethodSource("namesAndAliases")
	void surroundingBlanksAreIgnored(String name, WorkerClass expected) {
		assertThat(WorkerClass.parse("  " + name + "\t")).isEqualTo(expected);
	}

	@Test
	void everyAcceptedNameIsListedOnceCanonicalNamesFirst() {
		List<String> names = WorkerClass.allNames();
		assertThat(names).startsWith("sync", "thread", "virtual", "reactive")
			.containsExactlyInAnyOrder("sync", "thread", "virtual", "reactive", "gthread", "threads", "async", "gevent",
					"eventlet", "green", "tornado", "aiohttp", "gaiohttp", "asyncio", "event-loop")
			.doesNotHaveDuplicates();
	}

	@Test
	void asyncMeansVirtual() {
		assertThat(WorkerClass.parse("async")).isSameAs(WorkerClass.VIRTUAL);
		assertThat(WorkerClass.VIRTUAL.aliases()).contains("async", "gevent", "eventlet", "green");
	}

	@Test
	void misspeltClassIsAnErrorNamingPropertyValueValidNamesAndSuggestion() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class).isThrownBy(() -> WorkerClass.parse("asynk"))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.worker-class");
				assertThat(ex.getValue()).isEqualTo("asynk");
				assertThat(ex.getExpected()).contains("sync", "thread", "virtual", "reactive", "gthread", "gevent",
						"tornado", "event-loop");
				assertThat(ex.getExpected()).contains("did you mean 'async'?");
				assertThat(ex.getMessage()).contains("server.worker-class=asynk");
			});
	}

	@Test
	void suggestionFollowsTheClosestName() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class).isThrownBy(() -> WorkerClass.parse("Thred"))
			.satisfies((ex) -> {
				assertThat(ex.getValue()).isEqualTo("Thred");
				assertThat(ex.getExpected()).contains("did you mean 'thread'?");
			});
		assertThatExceptionOfType(InvalidWorkerSettingException.class).isThrownBy(() -> WorkerClass.parse("tornadoo"))
			.satisfies((ex) -> assertThat(ex.getExpected()).contains("did you mean 'tornado'?"));
	}

	@Test
	void nameFarFromEveryClassGetsNoSuggestion() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> WorkerClass.parse("uwsgi-prefork-magic"))
			.satisfies((ex) -> {
				assertThat(ex.getExpected()).startsWith("one of sync, thread, virtual, reactive");
				assertThat(ex.getExpected()).doesNotContain("did you mean");
			});
	}

	@ParameterizedTest
	@NullSource
	@ValueSource(strings = { "", "   ", "\t" })
	void emptyInputIsRejected(String text) {
		assertThatExceptionOfType(InvalidWorkerSettingException.class).isThrownBy(() -> WorkerClass.parse(text))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.worker-class");
				assertThat(ex.getExpected()).contains("sync", "thread", "virtual", "reactive");
				assertThat(ex.getExpected()).doesNotContain("did you mean");
			});
	}

	@Test
	void defaultClassIsThread() {
		assertThat(WorkerClass.DEFAULT).isEqualTo(WorkerClass.THREAD);
	}

	@Test
	void syncDefaultsToTwiceTheCoresPlusOneWorkers() {
		assertThat(WorkerClass.SYNC.defaultWorkers(1)).isEqualTo(3);
		assertThat(WorkerClass.SYNC.defaultWorkers(4)).isEqualTo(9);
		assertThat(WorkerClass.SYNC.defaultWorkers(16)).isEqualTo(33);
	}

	@Test
	void threadDefaultsToOneWorkerOfTwoHundredThreads() {
		assertThat(WorkerClass.THREAD.defaultWorkers(8)).isEqualTo(1);
		assertThat(WorkerClass.THREAD.defaultThreads()).isEqualTo(200);
	}

	@Test
	void virtualDefaultsToOneWorkerOfAThousandConnections() {
		assertThat(WorkerClass.VIRTUAL.defaultWorkers(8)).isEqualTo(1);
		assertThat(WorkerClass.VIRTUAL.defaultWorkerConnections()).isEqualTo(1000);
	}

	@Test
	void reactiveDefaultsToOneWorkerPerCoreOfAThousandConnections() {
		assertThat(WorkerClass.REACTIVE.defaultWorkers(1)).isEqualTo(1);
		assertThat(WorkerClass.REACTIVE.defaultWorkers(6)).isEqualTo(6);
		assertThat(WorkerClass.REACTIVE.defaultWorkerConnections()).isEqualTo(1000);
	}

	@Test
	void onlyReactiveIsNotAServletClass() {
		assertThat(WorkerClass.SYNC.isServlet()).isTrue();
		assertThat(WorkerClass.THREAD.isServlet()).isTrue();
		assertThat(WorkerClass.VIRTUAL.isServlet()).isTrue();
		assertThat(WorkerClass.REACTIVE.isServlet()).isFalse();
	}

	@Test
	void threadsApplyToThreadOnlyAndWorkerConnectionsToVirtualAndReactiveOnly() {
		assertThat(WorkerClass.values()).filteredOn(WorkerClass::usesThreads).containsExactly(WorkerClass.THREAD);
		assertThat(WorkerClass.values()).filteredOn(WorkerClass::usesWorkerConnections)
			.containsExactly(WorkerClass.VIRTUAL, WorkerClass.REACTIVE);
	}

	@Test
	void onlySyncClosesEveryConnectionAndCapsHowManyAreAccepted() {
		assertThat(WorkerClass.SYNC.keepsAlive()).isFalse();
		assertThat(WorkerClass.SYNC.capsConnections()).isTrue();
		for (WorkerClass other : List.of(WorkerClass.THREAD, WorkerClass.VIRTUAL, WorkerClass.REACTIVE)) {
			assertThat(other.keepsAlive()).as(other.canonicalName()).isTrue();
			assertThat(other.capsConnections()).as(other.canonicalName()).isFalse();
		}
	}

	@Test
	void eachClassRunsHandlersOnItsKindOfThread() {
		assertThat(WorkerClass.SYNC.threadKind()).isEqualTo(WorkerModel.ThreadKind.PLATFORM);
		assertThat(WorkerClass.THREAD.threadKind()).isEqualTo(WorkerModel.ThreadKind.PLATFORM);
		assertThat(WorkerClass.VIRTUAL.threadKind()).isEqualTo(WorkerModel.ThreadKind.VIRTUAL);
		assertThat(WorkerClass.REACTIVE.threadKind()).isEqualTo(WorkerModel.ThreadKind.EVENT_LOOP);
	}

	@Test
	void capacityIsWorkersTimesWhatOneWorkerHolds() {
		assertThat(WorkerClass.SYNC.capacity(3, 7, 11)).isEqualTo(3);
		assertThat(WorkerClass.THREAD.capacity(3, 7, 11)).isEqualTo(21);
		assertThat(WorkerClass.VIRTUAL.capacity(3, 7, 11)).isEqualTo(33);
		assertThat(WorkerClass.REACTIVE.capacity(3, 7, 11)).isEqualTo(33);
	}

	@Test
	void eachClassMakesItsOwnWorkers() {
		WorkerSettings settings = WorkerSettings.builder().workerClass("reactive").workers(1).resolve(1);
		try (Workers workers = WorkerClass.REACTIVE.newWorkers(settings)) {
			assertThat(workers).isExactlyInstanceOf(ReactiveWorkers.class);
		}
	}

}
