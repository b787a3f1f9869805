package dev.workerclass.workers;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link Workers} and its servlet classes ({@link SyncWorkers}, {@link ThreadWorkers},
 * {@link VirtualWorkers}) and for {@link ReactiveWorkers}. Requests are served as a servlet
 * container serves them: {@link Workers#serve} called from the workers' own
 * {@linkplain Workers#containerExecutor() container threads}.
 */
class WorkersTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	static Stream<Arguments> servletClasses() {
		return Stream.of(
				Arguments.of(settings("sync", 2, null, null), SyncWorkers.class, "workerclass-sync-", false),
				Arguments.of(settings("thread", 1, 2, null), ThreadWorkers.class, "workerclass-thread-", false),
				Arguments.of(settings("virtual", 1, null, 2), VirtualWorkers.class, "workerclass-virtual-", true));
	}

	static Stream<Arguments> containerThreads() {
		return Stream.of(Arguments.of(settings("sync", 2, null, null), "workerclass-container-"),
				Arguments.of(settings("thread", 1, 2, null), "workerclass-container-"),
				Arguments.of(settings("virtual", 1, null, 2), "workerclass-virtual-"),
				Arguments.of(settings("reactive", 1, null, 2), "workerclass-container-"));
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void createBuildsTheClassOfTheSettings(WorkerSettings settings, Class<?> type, String prefix, boolean virtual) {
		try (Workers workers = Workers.create(settings)) {
			assertThat(workers).isExactlyInstanceOf(type);
			assertThat(workers.workerClass()).isEqualTo(settings.workerClass());
			assertThat(workers.settings()).isEqualTo(settings);
		}
	}

	@Test
	void createBuildsReactiveWorkersForReactive() {
		try (Workers workers = Workers.create(settings("reactive", 2, null, 3))) {
			assertThat(workers).isExactlyInstanceOf(ReactiveWorkers.class);
		}
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("containerThreads")
	void theContainerExecutorRunsEachTaskOnANamedVirtualThread(WorkerSettings settings, String prefix)
			throws Exception {
		try (Workers workers = Workers.create(settings)) {
			List<Thread> ranOn = new CopyOnWriteArrayList<>();
			CountDownLatch done = new CountDownLatch(3);
			for (int i = 0; i < 3; i++) {
				workers.containerExecutor().execute(() -> {
					ranOn.add(Thread.currentThread());
					done.countDown();
				});
			}
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(ranOn).hasSize(3).doesNotHaveDuplicates().allSatisfy((thread) -> {
				assertThat(thread.getName()).startsWith(prefix);
				assertThat(thread.isVirtual()).isTrue();
			});
			// The executor does not go through the slots: it is where waiting for one happens.
			assertThat(workers.snapshot().completed()).isZero();
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void serveRunsRequestsOnTheThreadsOfTheClass(WorkerSettings settings, Class<?> type, String prefix,
			boolean virtual) throws Exception {
		try (Workers workers = Workers.create(settings)) {
			List<Thread> ranOn = new CopyOnWriteArrayList<>();
			List<Thread> callers = new CopyOnWriteArrayList<>();
			List<Boolean> results = new CopyOnWriteArrayList<>();
			CountDownLatch done = new CountDownLatch(5);
			for (int i = 0; i < 5; i++) {
				workers.containerExecutor().execute(() -> {
					callers.add(Thread.currentThread());
					try {
						results.add((workers.serve(() -> ranOn.add(Thread.currentThread())) == Workers.Outcome.SERVED));
					}
					catch (Exception ex) {
						throw new IllegalStateException(ex);
					}
					finally {
						done.countDown();
					}
				});
			}
			assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(results).hasSize(5).containsOnly(true);
			assertThat(ranOn).hasSize(5).allSatisfy((thread) -> {
				assertThat(thread.getName()).startsWith(prefix);
				assertThat(thread.isVirtual()).isEqualTo(virtual);
				assertThat(thread).isNotSameAs(Thread.currentThread());
			});
			if (virtual) {
				// The container's virtual thread is the worker: no hand-off.
				assertThat(ranOn).containsExactlyInAnyOrderElementsOf(callers);
			}
			else {
				assertThat(ranOn).doesNotContainAnyElementsOf(callers);
			}
			soon().until(() -> workers.snapshot().completed() == 5);
			assertThat(workers.snapshot().busy()).isZero();
		}
	}

	@Test
	void virtualServesInlineOnTheCallingThread() throws Exception {
		try (Workers workers = Workers.create(settings("virtual", 1, null, 2))) {
			AtomicReference<Thread> ranOn = new AtomicReference<>();
			assertThat((workers.serve(() -> ranOn.set(Thread.currentThread())) == Workers.Outcome.SERVED)).isTrue();
			assertThat(ranOn.get()).isSameAs(Thread.currentThread());
			assertThat(workers.snapshot().completed()).isEqualTo(1);
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void serveReturnsOnlyOnceTheHandlerIsDone(WorkerSettings settings, Class<?> type, String prefix,
			boolean virtual) throws Exception {
		try (Workers workers = Workers.create(settings)) {
			AtomicBoolean handled = new AtomicBoolean();
			boolean served = (workers.serve(() -> handled.set(true)) == Workers.Outcome.SERVED);
			assertThat(served).isTrue();
			assertThat(handled).isTrue();
			WorkersSnapshot snapshot = workers.snapshot();
			assertThat(snapshot.busy()).isZero();
			assertThat(snapshot.completed()).isEqualTo(1);
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void serveBlocksTheCallerUntilASlotIsFree(WorkerSettings settings, Class<?> type, String prefix,
			boolean virtual) throws Exception {
		Workers workers = Workers.create(settings);
		int capacity = settings.capacity();
		Requests requests = new Requests(capacity + 1);
		try {
			requests.submitAll(workers);
			requests.awaitStarted(capacity);
			WorkersSnapshot snapshot = workers.snapshot();
			assertThat(snapshot.busy()).isEqualTo(capacity);
			assertThat(snapshot.queued()).isEqualTo(1);
			assertThat(requests.started()).isEqualTo(capacity);
			assertThat(requests.returned()).isZero();
			requests.finish(0);
			requests.awaitStarted(capacity + 1);
			assertThat(workers.snapshot().queued()).isZero();
			requests.finishAll();
			requests.awaitReturned(capacity + 1);
			assertThat(requests.servedCount()).isEqualTo(capacity + 1);
			assertThat(requests.failures()).isEmpty();
		}
		finally {
			requests.finishAll();
			workers.close(TIMEOUT);
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void serveReturnsFalseAtOnceWhenTheLineIsFull(WorkerSettings settings, Class<?> type, String prefix,
			boolean virtual) throws Exception {
		WorkerSettings oneInLine = withMaxQueued(settings, 1);
		Workers workers = Workers.create(oneInLine);
		int capacity = oneInLine.capacity();
		Requests requests = new Requests(capacity + 1);
		try {
			requests.submitAll(workers);
			requests.awaitStarted(capacity);
			AtomicBoolean ran = new AtomicBoolean();
			// Served from a container thread; the bound on get() only keeps a hang from hanging the build.
			CompletableFuture<Boolean> refused = new CompletableFuture<>();
			workers.containerExecutor().execute(() -> {
				try {
					refused.complete((workers.serve(() -> ran.set(true)) == Workers.Outcome.SERVED));
				}
				catch (Throwable ex) {
					refused.completeExceptionally(ex);
				}
			});
			assertThat(refused.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isFalse();
			assertThat(ran).as("handler of a refused request ran").isFalse();
			WorkersSnapshot snapshot = workers.snapshot();
			assertThat(snapshot.rejected()).isEqualTo(1);
			assertThat(snapshot.busy()).isEqualTo(capacity);
			assertThat(snapshot.queued()).isEqualTo(1);
			assertThat(snapshot.maxQueued()).isEqualTo(1);
			requests.finishAll();
			requests.awaitReturned(capacity + 1);
			soon().until(() -> workers.snapshot().completed() == capacity + 1);
			assertThat(ran).isFalse();
			assertThat(workers.snapshot().rejected()).isEqualTo(1);
			assertThat(requests.servedCount()).isEqualTo(capacity + 1);
		}
		finally {
			requests.finishAll();
			workers.close(TIMEOUT);
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void handlerExceptionsReachTheCallerAsTheyWereThrownAndFreeTheSlot(WorkerSettings settings, Class<?> type,
			String prefix, boolean virtual) throws Exception {
		try (Workers workers = Workers.create(settings)) {
			IOException checked = new IOException("checked");
			IllegalStateException unchecked = new IllegalStateException("unchecked");
			Error error = new Error("error");
			assertThat(catchThrowable(() -> workers.serve(() -> {
				throw checked;
			}))).isSameAs(checked);
			assertThat(catchThrowable(() -> workers.serve(() -> {
				throw unchecked;
			}))).isSameAs(unchecked);
			assertThat(catchThrowable(() -> workers.serve(() -> {
				throw error;
			}))).isSameAs(error);
			WorkersSnapshot snapshot = workers.snapshot();
			assertThat(snapshot.busy()).isZero();
			assertThat(snapshot.completed()).isEqualTo(3);
			assertThat((workers.serve(() -> {
			}) == Workers.Outcome.SERVED)).isTrue();
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void aHandlerThrowingAnExecutionExceptionGetsItBack(WorkerSettings settings, Class<?> type, String prefix,
			boolean virtual) {
		try (Workers workers = Workers.create(settings)) {
			ExecutionException thrown = new ExecutionException("from the handler", new IOException());
			assertThat(catchThrowable(() -> workers.serve(() -> {
				throw thrown;
			}))).isSameAs(thrown);
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void aCallerInterruptedWhileWaitingLeavesTheLine(WorkerSettings settings, Class<?> type, String prefix,
			boolean virtual) throws Exception {
		Workers workers = Workers.create(settings);
		int capacity = settings.capacity();
		Requests requests = new Requests(capacity);
		try {
			requests.submitAll(workers);
			requests.awaitStarted(capacity);
			AtomicBoolean ran = new AtomicBoolean();
			AtomicReference<Throwable> thrown = new AtomicReference<>();
			Thread waiting = Thread.ofVirtual().start(() -> {
				try {
					workers.serve(() -> ran.set(true));
				}
				catch (Throwable ex) {
					thrown.set(ex);
				}
			});
			soon().until(() -> workers.snapshot().queued() == 1);
			waiting.interrupt();
			waiting.join(TIMEOUT.toMillis());
			assertThat(waiting.isAlive()).isFalse();
			assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
			assertThat(workers.snapshot().queued()).isZero();
			requests.finishAll();
			requests.awaitReturned(capacity);
			soon().until(() -> workers.snapshot().completed() == capacity);
			assertThat(ran).isFalse();
			assertThat(workers.snapshot().busy()).isZero();
		}
		finally {
			requests.finishAll();
			workers.close(TIMEOUT);
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void atMostCapacityRunAtOnceAndResizingFollowsIt(WorkerSettings settings, Class<?> type, String prefix,
			boolean virtual) throws Exception {
		Workers workers = Workers.create(settings);
		int capacity = settings.capacity();
		Requests requests = new Requests(capacity + 3);
		try {
			requests.submitAll(workers);

			// Capacity requests hold a slot and run; three wait in line.
			WorkersSnapshot snapshot = workers.snapshot();
			assertThat(snapshot.capacity()).isEqualTo(capacity);
			assertThat(snapshot.busy()).isEqualTo(capacity);
			assertThat(snapshot.queued()).isEqualTo(3);
			assertThat(snapshot.idle()).isZero();
			requests.awaitStarted(capacity);
			assertThat(requests.started()).isEqualTo(capacity);

			// One more worker: waiting requests that now fit start at once.
			int grownCapacity = (int) settings.capacityOf(settings.workers() + 1);
			int admitted = Math.min(3, grownCapacity - capacity);
			snapshot = workers.resize(settings.workers() + 1, null, null);
			assertThat(snapshot.workers()).isEqualTo(settings.workers() + 1);
			assertThat(snapshot.capacity()).isEqualTo(grownCapacity);
			assertThat(snapshot.busy()).isEqualTo(capacity + admitted);
			assertThat(snapshot.queued()).isEqualTo(3 - admitted);
			assertThat(workers.snapshot()).isEqualTo(snapshot);
			requests.awaitStarted(capacity + admitted);

			// Down to one worker: the running requests keep their slots and finish.
			workers.resize(1, null, null);
			int shrunkCapacity = (int) settings.capacityOf(1);
			snapshot = workers.snapshot();
			assertThat(snapshot.workers()).isEqualTo(1);
			assertThat(snapshot.capacity()).isEqualTo(shrunkCapacity);
			assertThat(snapshot.busy()).isEqualTo(capacity + admitted);
			assertThat(snapshot.idle()).isZero();
			int running = capacity + admitted;
			for (int i = 0; i < running; i++) {
				requests.finish(i);
			}
			requests.awaitFinished(running);

			// The rest run within the smaller capacity.
			for (int i = running; i < capacity + 3; i++) {
				requests.finish(i);
			}
			requests.awaitFinished(capacity + 3);
			soon().until(() -> workers.snapshot().completed() == capacity + 3);
			snapshot = workers.snapshot();
			assertThat(snapshot.busy()).isZero();
			assertThat(snapshot.queued()).isZero();
			assertThat(snapshot.idle()).isEqualTo(shrunkCapacity);
			assertThat(snapshot.resizes()).isEqualTo(2);
			assertThat(requests.maxRunning()).isLessThanOrEqualTo(capacity + admitted);
			assertThat(requests.threads()).allSatisfy((thread) -> assertThat(thread.getName()).startsWith(prefix));
			requests.awaitReturned(capacity + 3);
			assertThat(requests.servedCount()).isEqualTo(capacity + 3);
			assertThat(requests.failures()).isEmpty();
		}
		finally {
			requests.finishAll();
			workers.close(TIMEOUT);
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void afterAShrinkQueuedRequestsWaitUntilBusyIsBelowTheNewCapacity(WorkerSettings settings, Class<?> type,
			String prefix, boolean virtual) throws Exception {
		WorkerSettings twoWorkers = settings.resized(2, null, null, "workers", "threads", "workerConnections");
		Workers workers = Workers.create(twoWorkers);
		int capacity = twoWorkers.capacity();
		int shrunk = (int) twoWorkers.capacityOf(1);
		Requests requests = new Requests(capacity + 1);
		try {
			requests.submitAll(workers);
			requests.awaitStarted(capacity);
			workers.resize(1, null, null);
			// Finish requests until only "shrunk" are still running: the waiting one must not start.
			for (int i = 0; i < capacity - shrunk; i++) {
				requests.finish(i);
			}
			requests.awaitFinished(capacity - shrunk);
			soon().until(() -> workers.snapshot().busy() == shrunk);
			assertThat(workers.snapshot().queued()).isEqualTo(1);
			assertThat(requests.started()).isEqualTo(capacity);
			// One more finishes: now there is room.
			requests.finish(capacity - shrunk);
			requests.awaitStarted(capacity + 1);
			assertThat(workers.snapshot().queued()).isZero();
		}
		finally {
			requests.finishAll();
			workers.close(TIMEOUT);
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void closeWaitsForRequestsInFlightAndStopsTheThreads(WorkerSettings settings, Class<?> type, String prefix,
			boolean virtual) throws Exception {
		Workers workers = Workers.create(settings);
		Requests requests = new Requests(1);
		requests.submitAll(workers);
		requests.awaitStarted(1);
		AtomicInteger finishedWhenClosed = new AtomicInteger(-1);
		Thread closer = Thread.ofPlatform().start(() -> {
			workers.close(TIMEOUT);
			finishedWhenClosed.set(requests.finished());
		});
		requests.finishAll();
		closer.join(TIMEOUT.toMillis());
		assertThat(closer.isAlive()).as("close returned").isFalse();
		assertThat(finishedWhenClosed).as("requests finished when close returned").hasValue(1);
		for (Thread thread : requests.threads()) {
			thread.join(TIMEOUT.toMillis());
			assertThat(thread.isAlive()).as("worker thread %s stopped", thread.getName()).isFalse();
		}
		if (workers instanceof PlatformThreadWorkers platform) {
			soon().until(() -> platform.poolSize() == 0);
		}
	}

	@ParameterizedTest(name = "{1}")
	@MethodSource("servletClasses")
	void closeGivesUpAfterTheGracePeriod(WorkerSettings settings, Class<?> type, String prefix, boolean virtual)
			throws Exception {
		Workers workers = Workers.create(settings);
		Requests requests = new Requests(1);
		try {
			requests.submitAll(workers);
			requests.awaitStarted(1);
			long start = System.nanoTime();
			workers.close(Duration.ofMillis(100));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
		}
		finally {
			requests.finishAll();
		}
	}

	@Test
	void platformThreadPoolFollowsTheCapacity() throws Exception {
		WorkerSettings settings = settings("thread", 1, 3, null);
		ThreadWorkers workers = new ThreadWorkers(settings);
		Requests requests = new Requests(6);
		try {
			requests.submitAll(workers);
			requests.awaitStarted(3);
			assertThat(workers.poolSize()).isEqualTo(3);
			workers.resize(2, null, null);
			requests.awaitStarted(6);
			assertThat(workers.poolSize()).isEqualTo(6);
			assertThat(requests.maxRunning()).isEqualTo(6);
		}
		finally {
			requests.finishAll();
			workers.close(TIMEOUT);
		}
	}

	@Test
	void resizingThreadsGrowsThePoolAndAdmitsWaitingRequests() throws Exception {
		ThreadWorkers workers = new ThreadWorkers(settings("thread", 1, 2, null));
		Requests requests = new Requests(4);
		try {
			requests.submitAll(workers);
			requests.awaitStarted(2);
			WorkersSnapshot snapshot = workers.resize(null, 4, null);
			assertThat(snapshot.workers()).isEqualTo(1);
			assertThat(snapshot.threads()).isEqualTo(4);
			assertThat(snapshot.capacity()).isEqualTo(4);
			assertThat(snapshot.busy()).isEqualTo(4);
			assertThat(snapshot.queued()).isZero();
			requests.awaitStarted(4);
			assertThat(workers.poolSize()).isEqualTo(4);
		}
		finally {
			requests.finishAll();
			workers.close(TIMEOUT);
		}
	}

	@Test
	void resizingWorkerConnectionsChangesTheVirtualCapacity() throws Exception {
		Workers workers = Workers.create(settings("virtual", 2, null, 1));
		Requests requests = new Requests(5);
		try {
			requests.submitAll(workers);
			requests.awaitStarted(2);
			WorkersSnapshot snapshot = workers.resize(null, null, 2);
			assertThat(snapshot.workerConnections()).isEqualTo(2);
			assertThat(snapshot.capacity()).isEqualTo(4);
			requests.awaitStarted(4);
			assertThat(workers.snapshot().queued()).isEqualTo(1);
		}
		finally {
			requests.finishAll();
			workers.close(TIMEOUT);
		}
	}

	@Test
	void resizeKeepsTheOtherSettings() {
		WorkerSettings settings = WorkerSettings.builder()
			.workerClass("thread")
			.workers(1)
			.threads(4)
			.backlog(100)
			.keepAlive(Duration.ofSeconds(3))
			.gracefulTimeout(Duration.ofSeconds(9))
			.resolve(2);
		try (Workers workers = Workers.create(settings)) {
			workers.resize(3, null, null);
			assertThat(workers.settings().workers()).isEqualTo(3);
			assertThat(workers.settings().threads()).isEqualTo(4);
			assertThat(workers.settings().backlog()).isEqualTo(100);
			assertThat(workers.settings().keepAlive()).isEqualTo(Duration.ofSeconds(3));
			assertThat(workers.settings().gracefulTimeout()).isEqualTo(Duration.ofSeconds(9));
			assertThat(workers.settings().maxWorkers()).isEqualTo(settings.maxWorkers());
			assertThat(workers.snapshot().capacity()).isEqualTo(12);
			assertThat(workers.snapshot().threads()).isEqualTo(4);
		}
	}

	@Test
	void resizeReturnsTheNewStateAndCountsResizes() {
		try (Workers workers = Workers.create(settings("sync", 2, null, null))) {
			WorkersSnapshot before = workers.snapshot();
			assertThat(before.resizes()).isZero();
			WorkersSnapshot after = workers.resize(5, null, null);
			assertThat(after.workers()).isEqualTo(5);
			assertThat(after.capacity()).isEqualTo(5);
			assertThat(after.idle()).isEqualTo(5);
			assertThat(after.resizes()).isEqualTo(1);
			assertThat(after.maxWorkers()).isEqualTo(before.maxWorkers());
			assertThat(after.startedAt()).isEqualTo(before.startedAt());
			assertThat(workers.resize(1, null, null).resizes()).isEqualTo(2);
		}
	}

	static Stream<Arguments> badResizes() {
		return Stream.of(Arguments.of("sync", 0, null, null, "workers"),
				Arguments.of("sync", -1, null, null, "workers"),
				Arguments.of("sync", 17, null, null, "workers"),
				Arguments.of("thread", 17, null, null, "workers"),
				Arguments.of("thread", null, 0, null, "threads"),
				Arguments.of("thread", null, null, 10, "workerConnections"),
				Arguments.of("sync", null, 2, null, "threads"),
				Arguments.of("virtual", null, 2, null, "threads"),
				Arguments.of("virtual", null, null, 0, "workerConnections"),
				Arguments.of("reactive", null, null, WorkerSettings.MAX_PER_WORKER + 1, "workerConnections"));
	}

	@ParameterizedTest(name = "{0}: workers={1}, threads={2}, workerConnections={3}")
	@MethodSource("badResizes")
	void aResizeOutOfRangeIsRefusedAndChangesNothing(String workerClass, Integer newWorkers, Integer threads,
			Integer workerConnections, String property) {
		// One worker, so the default max-workers is 16.
		try (Workers workers = Workers.create(settings(workerClass, 1, null, null))) {
			AtomicInteger notified = new AtomicInteger();
			workers.onResize((resized) -> notified.incrementAndGet());
			WorkerSettings settingsBefore = workers.settings();
			WorkersSnapshot before = workers.snapshot();
			assertThatExceptionOfType(InvalidWorkerSettingException.class)
				.isThrownBy(() -> workers.resize(newWorkers, threads, workerConnections))
				.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo(property));
			assertThat(workers.settings()).isEqualTo(settingsBefore);
			assertThat(workers.snapshot()).isEqualTo(before);
			assertThat(notified).hasValue(0);
		}
	}

	@Test
	void aResizeUpToMaxWorkersIsAllowedAndOneAboveIsNot() {
		WorkerSettings settings = WorkerSettings.builder()
			.workerClass("sync")
			.workers(1)
			.maxWorkers(3)
			.resolve(2);
		try (Workers workers = Workers.create(settings)) {
			assertThat(workers.resize(3, null, null).workers()).isEqualTo(3);
			assertThatExceptionOfType(InvalidWorkerSettingException.class).isThrownBy(() -> workers.resize(4, null, null))
				.satisfies((ex) -> {
					assertThat(ex.getProperty()).isEqualTo("workers");
					assertThat(ex.getValue()).isEqualTo("4");
					assertThat(ex.getExpected()).contains("3");
				});
			assertThat(workers.snapshot().workers()).isEqualTo(3);
			assertThat(workers.snapshot().maxWorkers()).isEqualTo(3);
		}
	}

	@Test
	void listenersHearOfEveryResizeOnceItIsInForce() {
		try (Workers workers = Workers.create(settings("thread", 1, 2, null))) {
			List<WorkerSettings> heard = new CopyOnWriteArrayList<>();
			List<Integer> capacityWhenHeard = new CopyOnWriteArrayList<>();
			List<String> second = new CopyOnWriteArrayList<>();
			workers.onResize((settings) -> {
				heard.add(settings);
				capacityWhenHeard.add(workers.snapshot().capacity());
			});
			workers.onResize((settings) -> second.add("heard"));
			workers.resize(3, null, null);
			workers.resize(null, 5, null);
			assertThat(heard).hasSize(2);
			assertThat(heard.get(0).workers()).isEqualTo(3);
			assertThat(heard.get(0).capacity()).isEqualTo(6);
			assertThat(heard.get(1).threads()).isEqualTo(5);
			assertThat(heard.get(1).capacity()).isEqualTo(15);
			assertThat(heard.get(1)).isEqualTo(workers.settings());
			assertThat(capacityWhenHeard).containsExactly(6, 15);
			assertThat(second).hasSize(2);
		}
	}

	@Test
	void theSnapshotShowsTheLineAndTheCeiling() {
		WorkerSettings settings = WorkerSettings.builder()
			.workerClass("thread")
			.workers(2)
			.threads(3)
			.maxWorkers(9)
			.maxQueued(4)
			.resolve(2);
		try (Workers workers = Workers.create(settings)) {
			WorkersSnapshot snapshot = workers.snapshot();
			assertThat(snapshot.workerClass()).isEqualTo(WorkerClass.THREAD);
			assertThat(snapshot.workers()).isEqualTo(2);
			assertThat(snapshot.threads()).isEqualTo(3);
			assertThat(snapshot.capacity()).isEqualTo(6);
			assertThat(snapshot.maxWorkers()).isEqualTo(9);
			assertThat(snapshot.maxQueued()).isEqualTo(4);
			assertThat(snapshot.rejected()).isZero();
			assertThat(snapshot.resizes()).isZero();
			assertThat(snapshot.busy()).isZero();
			assertThat(snapshot.idle()).isEqualTo(6);
			assertThat(snapshot.startedAt()).isBeforeOrEqualTo(Instant.now());
		}
	}

	@Test
	void aDerivedLineFollowsTheCapacityAndAnExplicitOneStays() {
		try (Workers derived = Workers.create(settings("thread", 1, 20, null))) {
			assertThat(derived.snapshot().maxQueued()).isEqualTo(200);
			assertThat(derived.resize(2, null, null).maxQueued()).isEqualTo(400);
		}
		WorkerSettings explicit = WorkerSettings.builder()
			.workerClass("thread")
			.workers(1)
			.threads(20)
			.maxQueued(7)
			.resolve(2);
		try (Workers workers = Workers.create(explicit)) {
			assertThat(workers.resize(2, null, null).maxQueued()).isEqualTo(7);
		}
	}

	@Test
	void reactiveAdmitGatesRequestsAtCapacity() {
		ReactiveWorkers workers = new ReactiveWorkers(settings("reactive", 1, null, 2));
		try {
			List<String> admitted = new ArrayList<>();
			WorkerSlots.Ticket a = workers.admit(() -> admitted.add("a"));
			WorkerSlots.Ticket b = workers.admit(() -> admitted.add("b"));
			WorkerSlots.Ticket c = workers.admit(() -> admitted.add("c"));
			assertThat(admitted).containsExactly("a", "b");
			assertThat(workers.snapshot().busy()).isEqualTo(2);
			assertThat(workers.snapshot().queued()).isEqualTo(1);
			a.release();
			assertThat(admitted).containsExactly("a", "b", "c");
			assertThat(workers.snapshot().queued()).isZero();
			b.release();
			c.release();
			WorkersSnapshot snapshot = workers.snapshot();
			assertThat(snapshot.busy()).isZero();
			assertThat(snapshot.completed()).isEqualTo(3);
		}
		finally {
			workers.close(TIMEOUT);
		}
	}

	@Test
	void reactiveAdmitRejectsWhenTheLineIsFull() {
		WorkerSettings settings = WorkerSettings.builder()
			.workerClass("reactive")
			.workers(1)
			.workerConnections(1)
			.maxQueued(1)
			.resolve(2);
		ReactiveWorkers workers = new ReactiveWorkers(settings);
		try {
			List<String> admitted = new ArrayList<>();
			WorkerSlots.Ticket a = workers.admit(() -> admitted.add("a"));
			WorkerSlots.Ticket b = workers.admit(() -> admitted.add("b"));
			WorkerSlots.Ticket c = workers.admit(() -> admitted.add("c"));
			assertThat(c.isRejected()).isTrue();
			assertThat(workers.snapshot().rejected()).isEqualTo(1);
			c.release();
			a.release();
			b.release();
			assertThat(admitted).containsExactly("a", "b");
			WorkersSnapshot snapshot = workers.snapshot();
			assertThat(snapshot.completed()).isEqualTo(2);
			assertThat(snapshot.rejected()).isEqualTo(1);
			assertThat(snapshot.busy()).isZero();
			assertThat(snapshot.queued()).isZero();
		}
		finally {
			workers.close(TIMEOUT);
		}
	}

	@Test
	void reactiveResizeAdmitsWaitingRequests() {
		ReactiveWorkers workers = new ReactiveWorkers(settings("reactive", 1, null, 1));
		try {
			AtomicInteger admitted = new AtomicInteger();
			workers.admit(admitted::incrementAndGet);
			workers.admit(admitted::incrementAndGet);
			workers.admit(admitted::incrementAndGet);
			assertThat(admitted).hasValue(1);
			workers.resize(3, null, null);
			assertThat(admitted).hasValue(3);
			assertThat(workers.eventLoops()).isEqualTo(3);
			assertThat(workers.snapshot().capacity()).isEqualTo(3);
		}
		finally {
			workers.close(TIMEOUT);
		}
	}

	@Test
	void reactiveEventLoopsAreTheWorkers() {
		ReactiveWorkers workers = new ReactiveWorkers(settings("reactive", 3, null, 10));
		try {
			assertThat(workers.eventLoops()).isEqualTo(3);
			assertThat(workers.snapshot().capacity()).isEqualTo(30);
		}
		finally {
			workers.close(TIMEOUT);
		}
	}

	@Test
	void theOffloadPoolRunsTasksOnNamedPlatformThreadsAndCountsThem() throws Exception {
		OffloadWorkers offload = new OffloadWorkers(settings("reactive", 1, null, 10));
		try {
			assertThat(offload.threads()).isEqualTo(WorkerSettings.DEFAULT_OFFLOAD_THREADS);
			CountDownLatch running = new CountDownLatch(1);
			CountDownLatch finish = new CountDownLatch(1);
			List<Thread> ranOn = new CopyOnWriteArrayList<>();
			offload.execute(() -> {
				ranOn.add(Thread.currentThread());
				running.countDown();
				try {
					finish.await(10, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
			assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(offload.snapshot().busy()).isEqualTo(1);
			finish.countDown();
			assertThat(ranOn).singleElement().satisfies((thread) -> {
				assertThat(thread.getName()).startsWith("workerclass-offload-");
				assertThat(thread.isVirtual()).isFalse();
			});
			soon().until(() -> offload.snapshot().busy() == 0);
			assertThat(offload.snapshot().completed()).isEqualTo(1);
		}
		finally {
			offload.close(TIMEOUT);
		}
	}

	/** Awaitility polling briskly, so that waiting for a state costs little more than reaching it. */
	private static ConditionFactory soon() {
		return await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
	}

	private static WorkerSettings settings(String workerClass, Integer workers, Integer threads,
			Integer workerConnections) {
		return WorkerSettings.builder()
			.workerClass(workerClass)
			.workers(workers)
			.threads(threads)
			.workerConnections(workerConnections)
			.resolve(2);
	}

	private static WorkerSettings withMaxQueued(WorkerSettings settings, int maxQueued) {
		return new WorkerSettings(settings.workerClass(), settings.workers(), settings.threads(),
				settings.workerConnections(), settings.backlog(), settings.keepAlive(), settings.gracefulTimeout(),
				settings.maxWorkers(), maxQueued, settings.ignored(), settings.timeout(), settings.offloadThreads());
	}

	/**
	 * Requests that block until the test lets each one finish, each served from a container thread
	 * as a servlet container would.
	 */
	static final class Requests {

		private final CountDownLatch[] gates;

		private final AtomicInteger startedCount = new AtomicInteger();

		private final AtomicInteger finishedCount = new AtomicInteger();

		private final AtomicInteger returnedCount = new AtomicInteger();

		private final AtomicInteger served = new AtomicInteger();

		private final AtomicInteger running = new AtomicInteger();

		private final AtomicInteger maxRunning = new AtomicInteger();

		private final List<Thread> threads = new CopyOnWriteArrayList<>();

		private final List<Throwable> failures = new CopyOnWriteArrayList<>();

		Requests(int count) {
			this.gates = new CountDownLatch[count];
			for (int i = 0; i < count; i++) {
				this.gates[i] = new CountDownLatch(1);
			}
		}

		/**
		 * Sends the requests one after the other, each once the previous one holds a slot or waits
		 * in line, so that the line's order is the order of submission.
		 */
		void submitAll(Workers workers) {
			for (int i = 0; i < this.gates.length; i++) {
				CountDownLatch gate = this.gates[i];
				workers.containerExecutor().execute(() -> {
					try {
						if ((workers.serve(() -> run(gate)) == Workers.Outcome.SERVED)) {
							this.served.incrementAndGet();
						}
					}
					catch (Throwable ex) {
						this.failures.add(ex);
					}
					finally {
						this.returnedCount.incrementAndGet();
					}
				});
				int arrived = i + 1;
				soon().until(() -> {
					WorkersSnapshot snapshot = workers.snapshot();
					return snapshot.busy() + snapshot.queued() >= arrived;
				});
			}
		}

		private void run(CountDownLatch gate) {
			this.threads.add(Thread.currentThread());
			this.maxRunning.accumulateAndGet(this.running.incrementAndGet(), Math::max);
			this.startedCount.incrementAndGet();
			try {
				gate.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				this.running.decrementAndGet();
				this.finishedCount.incrementAndGet();
			}
		}

		void awaitStarted(int count) {
			soon().until(() -> this.startedCount.get() >= count);
		}

		void awaitFinished(int count) {
			soon().until(() -> this.finishedCount.get() >= count);
		}

		void awaitReturned(int count) {
			soon().until(() -> this.returnedCount.get() >= count);
		}

		/** Lets the i-th request submitted finish (by submission order; the line is FIFO). */
		void finish(int i) {
			this.gates[i].countDown();
		}

		void finishAll() {
			for (CountDownLatch gate : this.gates) {
				gate.countDown();
			}
		}

		int started() {
			return this.startedCount.get();
		}

		int finished() {
			return this.finishedCount.get();
		}

		int returned() {
			return this.returnedCount.get();
		}

		int servedCount() {
			return this.served.get();
		}

		List<Throwable> failures() {
			return this.failures;
		}

		int maxRunning() {
			return this.maxRunning.get();
		}

		List<Thread> threads() {
			return this.threads;
		}

	}

}
