package dev.workerclass.workers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link WorkerSettings}: defaults per class, capacity, validation and description.
 */
class WorkerSettingsTests {

	private static final int CORES = 4;

	@Test
	void theKernelsSomaxconnIsReadWhole() throws IOException {
		Path sysctl = Path.of("/proc/sys/net/core/somaxconn");
		assumeTrue(Files.isReadable(sysctl), "Linux's sysctl files");
		// What sysctl(8) prints: a reader that asks for a whole buffer at once.
		int kernel = Integer.parseInt(Files.readAllLines(sysctl).get(0).trim());
		assertThat(WorkerSettings.KernelSomaxconn.read(sysctl)).isEqualTo(kernel);
		assertThat(WorkerSettings.KernelSomaxconn.VALUE).isEqualTo(kernel);
		assertThat(WorkerSettings.KernelSomaxconn.read(Path.of("/no/such/sysctl"))).isZero();
	}

	@Test
	void noSettingsResolveToThreadWithOneWorkerOfTwoHundredThreads() {
		WorkerSettings settings = resolve(null, null, null, null);
		assertThat(settings.workerClass()).isEqualTo(WorkerClass.THREAD);
		assertThat(settings.workers()).isEqualTo(1);
		assertThat(settings.threads()).isEqualTo(200);
		assertThat(settings.capacity()).isEqualTo(200);
		assertThat(settings.backlog()).isNull();
		assertThat(settings.acceptBacklog(100, 128)).as("Tomcat's default is raised to gunicorn's").isEqualTo(2048);
		assertThat(settings.acceptBacklog(4096, 128)).as("a higher engine default stays").isEqualTo(4096);
		assertThat(settings.acceptBacklog(100, 8192)).as("a higher kernel somaxconn is followed").isEqualTo(8192);
		assertThat(settings.acceptBacklog(100, 1_000_000)).as("but not past a listen backlog's range").isEqualTo(65_535);
		assertThat(settings.keepAlive()).isNull();
		assertThat(settings.gracefulTimeout()).isNull();
		assertThat(settings.ignored()).isEmpty();
	}

	@Test
	void syncDefaultsDependOnCores() {
		WorkerSettings settings = resolve("sync", null, null, null);
		assertThat(settings.workers()).isEqualTo(2 * CORES + 1);
		assertThat(settings.capacity()).isEqualTo(2 * CORES + 1);
	}

	@Test
	void virtualDefaultsToOneWorkerOfAThousandConnections() {
		WorkerSettings settings = resolve("async", null, null, null);
		assertThat(settings.workerClass()).isEqualTo(WorkerClass.VIRTUAL);
		assertThat(settings.workers()).isEqualTo(1);
		assertThat(settings.workerConnections()).isEqualTo(1000);
		assertThat(settings.capacity()).isEqualTo(1000);
	}

	@Test
	void reactiveDefaultsToOneWorkerPerCore() {
		WorkerSettings settings = resolve("tornado", null, null, null);
		assertThat(settings.workerClass()).isEqualTo(WorkerClass.REACTIVE);
		assertThat(settings.workers()).isEqualTo(CORES);
		assertThat(settings.workerConnections()).isEqualTo(1000);
		assertThat(settings.capacity()).isEqualTo(CORES * 1000);
	}

	@Test
	void syncCapacityIsTheNumberOfWorkers() {
		assertThat(resolve("sync", 5, null, null).capacity()).isEqualTo(5);
	}

	@Test
	void threadCapacityIsWorkersTimesThreads() {
		assertThat(resolve("thread", 3, 4, null).capacity()).isEqualTo(12);
		assertThat(resolve("gthread", 2, null, null).capacity()).isEqualTo(400);
	}

	@Test
	void virtualCapacityIsWorkersTimesWorkerConnections() {
		assertThat(resolve("virtual", 2, null, 50).capacity()).isEqualTo(100);
	}

	@Test
	void reactiveCapacityIsWorkersTimesWorkerConnections() {
		assertThat(resolve("reactive", 3, null, 7).capacity()).isEqualTo(21);
	}

	@Test
	void capacityOfOtherWorkerCountsKeepsThePerWorkerSize() {
		WorkerSettings settings = resolve("thread", 1, 10, null);
		assertThat(settings.capacityOf(5)).isEqualTo(50);
		WorkerSettings resized = settings.resized(5, null, null, "workers", "threads", "workerConnections");
		assertThat(resized.workers()).isEqualTo(5);
		assertThat(resized.threads()).isEqualTo(10);
		assertThat(resized.capacity()).isEqualTo(50);
	}

	@Test
	void explicitValuesAreKept() {
		WorkerSettings settings = WorkerSettings.builder()
			.workerClass("virtual")
			.workers(2)
			.workerConnections(10)
			.backlog(128)
			.keepAlive(Duration.ofSeconds(5))
			.gracefulTimeout(Duration.ofSeconds(20))
			.resolve(CORES);
		assertThat(settings.backlog()).isEqualTo(128);
		assertThat(settings.acceptBacklog(4096)).as("a value set is used as it is").isEqualTo(128);
		assertThat(settings.keepAlive()).isEqualTo(Duration.ofSeconds(5));
		assertThat(settings.gracefulTimeout()).isEqualTo(Duration.ofSeconds(20));
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -3, WorkerSettings.MAX_WORKERS + 1 })
	void rejectsWorkersOutOfRange(int workers) {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("thread", workers, 1, null))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.workers");
				assertThat(ex.getValue()).isEqualTo(String.valueOf(workers));
				assertThat(ex.getExpected()).isEqualTo("a whole number from 1 to " + WorkerSettings.MAX_WORKERS);
			});
	}

	@Test
	void acceptsTheMaximumNumberOfWorkers() {
		assertThat(resolve("sync", WorkerSettings.MAX_WORKERS, null, null).workers())
			.isEqualTo(WorkerSettings.MAX_WORKERS);
	}

	@Test
	void rejectsZeroWorkerConnections() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("virtual", null, null, 0))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.worker-connections");
				assertThat(ex.getValue()).isEqualTo("0");
				assertThat(ex.getExpected()).startsWith("a whole number from 1 to");
			});
	}

	@Test
	void rejectsZeroThreads() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class).isThrownBy(() -> resolve("thread", null, 0, null))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.threads");
				assertThat(ex.getValue()).isEqualTo("0");
			});
	}

	@Test
	void rejectsNegativeKeepAlive() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> WorkerSettings.builder()
				.workerClass("thread")
				.keepAlive(Duration.ofSeconds(-1))
				.resolve(CORES))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.keep-alive");
				assertThat(ex.getExpected()).contains("zero or more");
			});
	}

	@Test
	void rejectsNegativeGracefulTimeout() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> WorkerSettings.builder()
				.workerClass("thread")
				.gracefulTimeout(Duration.ofMillis(-5))
				.resolve(CORES))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("server.graceful-timeout"));
	}

	@Test
	void acceptsZeroDurations() {
		WorkerSettings settings = WorkerSettings.builder()
			.workerClass("thread")
			.keepAlive(Duration.ZERO)
			.gracefulTimeout(Duration.ZERO)
			.resolve(CORES);
		assertThat(settings.keepAlive()).isEqualTo(Duration.ZERO);
		assertThat(settings.gracefulTimeout()).isEqualTo(Duration.ZERO);
	}

	@ParameterizedTest
	@ValueSource(ints = { -1, 65_536 })
	void rejectsBacklogOutOfRange(int backlog) {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> WorkerSettings.builder().workerClass("thread").backlog(backlog).resolve(CORES))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.backlog");
				assertThat(ex.getValue()).isEqualTo(String.valueOf(backlog));
			});
	}

	@Test
	void rejectsACapacityAboveTheMaximumNamingTheWorkers() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("thread", WorkerSettings.MAX_WORKERS, 1001, null))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.workers");
				assertThat(ex.getValue()).isEqualTo(String.valueOf(WorkerSettings.MAX_WORKERS));
				assertThat(ex.getExpected()).contains(String.valueOf(WorkerSettings.MAX_CAPACITY));
			});
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("virtual", 20, null, WorkerSettings.MAX_PER_WORKER))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("server.workers"));
	}

	@Test
	void rejectsACapacityAboveTheMaximum() {
		// 10000 workers x 1001 threads = 10,010,000 requests in flight.
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("thread", WorkerSettings.MAX_WORKERS, 1001, null))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.workers");
				assertThat(ex.getExpected()).contains("server.threads")
					.contains(String.valueOf(WorkerSettings.MAX_CAPACITY));
			});
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("virtual", 20, null, WorkerSettings.MAX_PER_WORKER))
			.satisfies((ex) -> assertThat(ex.getExpected()).contains("server.worker-connections"));
	}

	@Test
	void acceptsACapacityOfExactlyTheMaximum() {
		assertThat(resolve("virtual", 10, null, 1_000_000).capacity()).isEqualTo(WorkerSettings.MAX_CAPACITY);
	}

	@Test
	void misspeltClassIsRejected() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class).isThrownBy(() -> resolve("asynk", 1, null, null))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("server.worker-class"));
	}

	@Test
	void threadsAreIgnoredByVirtual() {
		WorkerSettings settings = resolve("virtual", null, 50, null);
		assertThat(settings.ignored()).containsExactly("server.threads=50");
		assertThat(settings.capacity()).isEqualTo(1000);
	}

	@Test
	void threadsAreIgnoredBySyncAndReactive() {
		assertThat(resolve("sync", 2, 8, null).ignored()).containsExactly("server.threads=8");
		assertThat(resolve("reactive", 2, 8, null).ignored()).containsExactly("server.threads=8");
	}

	@Test
	void workerConnectionsAreIgnoredBySyncAndThread() {
		assertThat(resolve("sync", 2, null, 10).ignored()).containsExactly("server.worker-connections=10");
		assertThat(resolve("thread", 2, null, 10).ignored()).containsExactly("server.worker-connections=10");
		assertThat(resolve("thread", 2, null, 10).capacity()).isEqualTo(400);
	}

	@Test
	void settingsThatApplyAreNotIgnored() {
		assertThat(resolve("thread", 2, 8, null).ignored()).isEmpty();
		assertThat(resolve("virtual", 2, null, 8).ignored()).isEmpty();
		assertThat(resolve("reactive", 2, null, 8).ignored()).isEmpty();
	}

	@Test
	void ignoredListCannotBeModified() {
		WorkerSettings settings = resolve("virtual", null, 50, null);
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> settings.ignored().add("server.workers=3"));
	}

	@Test
	void describesVirtualWithWorkerConnections() {
		assertThat(resolve("virtual", null, null, null).describe())
			.isEqualTo("virtual (workers=1, worker-connections=1000, capacity=1000)");
	}

	@Test
	void describesThreadWithThreads() {
		assertThat(resolve("gthread", 2, 4, null).describe()).isEqualTo("thread (workers=2, threads=4, capacity=8)");
	}

	@Test
	void describesSyncWithWorkersOnly() {
		assertThat(resolve("sync", 3, null, null).describe()).isEqualTo("sync (workers=3, capacity=3)");
	}

	@Test
	void describesReactiveWithWorkerConnections() {
		assertThat(resolve("aiohttp", 2, null, 10).describe())
			.isEqualTo("reactive (workers=2, worker-connections=10, capacity=20)");
	}

	// server.max-workers

	@ParameterizedTest
	@CsvSource({ "1, 16", "4, 16", "5, 20", "100, 400", "2500, 10000", "10000, 10000" })
	void defaultMaxWorkersIsFourTimesTheWorkersAndAtLeastSixteenAndAtMostTheMaximum(int workers, int expected) {
		assertThat(WorkerSettings.defaultMaxWorkers(workers)).isEqualTo(expected);
	}

	@Test
	void maxWorkersDefaultsFromTheResolvedWorkers() {
		assertThat(resolve("thread", null, null, null).maxWorkers()).isEqualTo(16);
		// sync on 4 cores: 9 workers, room for 36.
		assertThat(resolve("sync", null, null, null).maxWorkers()).isEqualTo(WorkerSettings.defaultMaxWorkers(9))
			.isEqualTo(36);
		assertThat(resolve("virtual", 10, null, null).maxWorkers()).isEqualTo(40);
	}

	@Test
	void anExplicitMaxWorkersIsKept() {
		assertThat(resolve("thread", 2, null, null, 5, null).maxWorkers()).isEqualTo(5);
	}

	@Test
	void maxWorkersMayEqualTheWorkers() {
		WorkerSettings settings = resolve("sync", 3, null, null, 3, null);
		assertThat(settings.workers()).isEqualTo(3);
		assertThat(settings.maxWorkers()).isEqualTo(3);
	}

	@Test
	void maxWorkersBelowTheWorkersIsRejected() {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("sync", 3, null, null, 2, null))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.max-workers");
				assertThat(ex.getValue()).isEqualTo("2");
				assertThat(ex.getExpected()).contains("server.workers").contains("3");
			});
	}

	@Test
	void aDefaultMaxWorkersBelowExplicitWorkersCannotHappen() {
		// Workers above 16 raise the default ceiling with them.
		assertThat(resolve("sync", 100, null, null).maxWorkers()).isEqualTo(400);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, WorkerSettings.MAX_WORKERS + 1 })
	void maxWorkersOutOfRangeIsRejected(int maxWorkers) {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("thread", 1, null, null, maxWorkers, null))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.max-workers");
				assertThat(ex.getValue()).isEqualTo(String.valueOf(maxWorkers));
				assertThat(ex.getExpected()).isEqualTo("a whole number from 1 to " + WorkerSettings.MAX_WORKERS);
			});
	}

	@Test
	void maxWorkersMayBeTheMaximum() {
		assertThat(resolve("thread", 1, 1, null, WorkerSettings.MAX_WORKERS, null).maxWorkers())
			.isEqualTo(WorkerSettings.MAX_WORKERS);
	}

	// server.max-queued

	@Test
	void maxQueuedDefaultsToTenTimesTheCapacityAndAtLeastAHundred() {
		assertThat(resolve("thread", null, null, null).maxQueued()).isEqualTo(2000);
		assertThat(resolve("sync", 2, null, null).maxQueued()).isEqualTo(100);
		assertThat(resolve("sync", 10, null, null).maxQueued()).isEqualTo(100);
		assertThat(resolve("sync", 11, null, null).maxQueued()).isEqualTo(110);
		assertThat(resolve("virtual", 2, null, 50).maxQueued()).isEqualTo(1000);
		assertThat(resolve("thread", null, null, null).maxQueuedSetting()).isNull();
	}

	@Test
	void theDefaultMaxQueuedIsCappedAtTheMaximumCapacity() {
		assertThat(resolve("virtual", 10, null, 1_000_000).maxQueued()).isEqualTo(WorkerSettings.MAX_CAPACITY);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, 1, 7, WorkerSettings.MAX_CAPACITY })
	void anExplicitMaxQueuedIsKept(int maxQueued) {
		WorkerSettings settings = resolve("thread", 2, 3, null, null, maxQueued);
		assertThat(settings.maxQueued()).isEqualTo(maxQueued);
		assertThat(settings.maxQueuedSetting()).isEqualTo(maxQueued);
	}

	@ParameterizedTest
	@ValueSource(ints = { -1, WorkerSettings.MAX_CAPACITY + 1 })
	void maxQueuedOutOfRangeIsRejected(int maxQueued) {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("thread", null, null, null, null, maxQueued))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("server.max-queued");
				assertThat(ex.getValue()).isEqualTo(String.valueOf(maxQueued));
				assertThat(ex.getExpected()).isEqualTo("a whole number from 0 to " + WorkerSettings.MAX_CAPACITY);
			});
	}

	@Test
	void connectionLimitIsCapacityPlusTheLinePlusTheControlPlane() {
		WorkerSettings sync = resolve("sync", 3, null, null, null, 5);
		assertThat(sync.connectionLimit()).isEqualTo(3 + 5 + WorkerSettings.CONTROL_CONNECTIONS);
		WorkerSettings thread = resolve("thread", null, null, null);
		assertThat(thread.connectionLimit()).isEqualTo(200 + 2000 + WorkerSettings.CONTROL_CONNECTIONS);
		WorkerSettings noLine = resolve("virtual", 1, null, 10, null, 0);
		assertThat(noLine.connectionLimit()).isEqualTo(10 + WorkerSettings.CONTROL_CONNECTIONS);
		WorkerSettings largest = resolve("virtual", 10, null, 1_000_000, null, WorkerSettings.MAX_CAPACITY);
		assertThat(largest.connectionLimit())
			.isEqualTo(2 * WorkerSettings.MAX_CAPACITY + WorkerSettings.CONTROL_CONNECTIONS);
	}

	// resized

	@Test
	void resizedChangesOnlyTheSizesGiven() {
		WorkerSettings settings = WorkerSettings.builder()
			.workerClass("thread")
			.workers(2)
			.threads(4)
			.workerConnections(9)
			.backlog(100)
			.keepAlive(Duration.ofSeconds(3))
			.gracefulTimeout(Duration.ofSeconds(9))
			.maxWorkers(10)
			.maxQueued(50)
			.resolve(CORES);
		WorkerSettings resized = settings.resized(5, null, null, NAMES);
		assertThat(resized.workers()).isEqualTo(5);
		assertThat(resized.threads()).isEqualTo(4);
		assertThat(resized.capacity()).isEqualTo(20);
		assertThat(resized.workerClass()).isEqualTo(WorkerClass.THREAD);
		assertThat(resized.backlog()).isEqualTo(100);
		assertThat(resized.keepAlive()).isEqualTo(Duration.ofSeconds(3));
		assertThat(resized.gracefulTimeout()).isEqualTo(Duration.ofSeconds(9));
		assertThat(resized.maxWorkers()).isEqualTo(10);
		assertThat(resized.maxQueued()).isEqualTo(50);
		assertThat(resized.ignored()).isEqualTo(settings.ignored()).containsExactly("server.worker-connections=9");
		WorkerSettings moreThreads = resized.resized(null, 6, null, NAMES);
		assertThat(moreThreads.workers()).isEqualTo(5);
		assertThat(moreThreads.threads()).isEqualTo(6);
		assertThat(moreThreads.capacity()).isEqualTo(30);
		assertThat(settings.resized(null, null, null, NAMES)).isEqualTo(settings);
	}

	@Test
	void resizedDerivesTheDefaultMaxQueuedFromTheNewCapacity() {
		WorkerSettings settings = resolve("virtual", 1, null, 50);
		assertThat(settings.maxQueued()).isEqualTo(500);
		WorkerSettings resized = settings.resized(3, null, 100, NAMES);
		assertThat(resized.capacity()).isEqualTo(300);
		assertThat(resized.maxQueued()).isEqualTo(3000);
		assertThat(resized.maxWorkers()).isEqualTo(settings.maxWorkers());
	}

	@Test
	void resizedChangesWorkerConnectionsOfVirtualAndReactive() {
		assertThat(resolve("virtual", 2, null, 10).resized(null, null, 30, NAMES).capacity()).isEqualTo(60);
		assertThat(resolve("reactive", 2, null, 10).resized(4, null, 5, NAMES).capacity()).isEqualTo(20);
	}

	@Test
	void resizedAcceptsWorkersUpToMaxWorkers() {
		WorkerSettings settings = resolve("sync", 1, null, null, 4, null);
		assertThat(settings.resized(4, null, null, NAMES).workers()).isEqualTo(4);
		assertThat(settings.resized(1, null, null, NAMES).workers()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -1, 5, WorkerSettings.MAX_WORKERS + 1 })
	void resizedRefusesWorkersOutsideOneToMaxWorkersNamingTheGivenName(int workers) {
		WorkerSettings settings = resolve("sync", 1, null, null, 4, null);
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> settings.resized(workers, null, null, "w", "t", "wc"))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("w");
				assertThat(ex.getValue()).isEqualTo(String.valueOf(workers));
				assertThat(ex.getExpected()).isEqualTo("a whole number from 1 to 4");
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "virtual", "reactive" })
	void resizedRefusesThreadsForClassesOtherThanThread(String workerClass) {
		WorkerSettings settings = resolve(workerClass, 1, null, null);
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> settings.resized(null, 4, null, NAMES))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("threads");
				assertThat(ex.getValue()).isEqualTo("4");
				assertThat(ex.getExpected()).contains("thread class only").contains(workerClass);
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "sync", "thread" })
	void resizedRefusesWorkerConnectionsForClassesWithoutThem(String workerClass) {
		WorkerSettings settings = resolve(workerClass, 1, null, null);
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> settings.resized(null, null, 10, NAMES))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("workerConnections");
				assertThat(ex.getValue()).isEqualTo("10");
				assertThat(ex.getExpected()).contains("virtual and reactive").contains(workerClass);
			});
	}

	@ParameterizedTest
	@ValueSource(ints = { 0, -2, WorkerSettings.MAX_PER_WORKER + 1 })
	void resizedRefusesPerWorkerSizesOutOfRange(int size) {
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("thread", 1, 2, null).resized(null, size, null, NAMES))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("threads");
				assertThat(ex.getExpected()).isEqualTo("a whole number from 1 to " + WorkerSettings.MAX_PER_WORKER);
			});
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("virtual", 1, null, 2).resized(null, null, size, NAMES))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("workerConnections"));
	}

	@Test
	void resizedRefusesACapacityAboveTheMaximum() {
		WorkerSettings settings = resolve("virtual", 10, null, 1_000_000);
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> settings.resized(11, null, null, NAMES))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("workers");
				assertThat(ex.getValue()).isEqualTo("11");
				assertThat(ex.getExpected()).contains(String.valueOf(WorkerSettings.MAX_CAPACITY));
			});
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> resolve("thread", 10, 1_000_000, null).resized(11, null, null, NAMES))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("workers"));
	}

	@Test
	void resizedBlamesThePerWorkerSizeThatWasGivenWhenItOverflowsTheCapacity() {
		// 20 x 500,000 is exactly the maximum capacity; one more connection per worker is too many.
		WorkerSettings settings = resolve("virtual", 20, null, 500_000);
		assertThat(settings.capacity()).isEqualTo(WorkerSettings.MAX_CAPACITY);
		assertThatExceptionOfType(InvalidWorkerSettingException.class)
			.isThrownBy(() -> settings.resized(null, null, 500_001, NAMES))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("workerConnections");
				assertThat(ex.getValue()).isEqualTo("500001");
			});
	}

	@Test
	void resizedLeavesTheOriginalUnchanged() {
		WorkerSettings settings = resolve("thread", 1, 2, null);
		settings.resized(3, 4, null, NAMES);
		assertThat(settings.workers()).isEqualTo(1);
		assertThat(settings.threads()).isEqualTo(2);
		assertThat(settings.capacity()).isEqualTo(2);
	}

	private static final String[] NAMES = { "workers", "threads", "workerConnections" };

	private static WorkerSettings resolve(String workerClass, Integer workers, Integer threads,
			Integer workerConnections, Integer maxWorkers, Integer maxQueued) {
		return WorkerSettings.builder()
			.workerClass(workerClass)
			.workers(workers)
			.threads(threads)
			.workerConnections(workerConnections)
			.maxWorkers(maxWorkers)
			.maxQueued(maxQueued)
			.resolve(CORES);
	}

	private static WorkerSettings resolve(String workerClass, Integer workers, Integer threads,
			Integer workerConnections) {
		return WorkerSettings.builder()
			.workerClass(workerClass)
			.workers(workers)
			.threads(threads)
			.workerConnections(workerConnections)
			.resolve(CORES);
	}

}
