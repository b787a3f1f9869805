package dev.workerclass.diagnostics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import dev.workerclass.diagnostics.Finding.Kind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FindingLog}.
 */
class FindingLogTests {

	private final List<Finding> logged = Collections.synchronizedList(new ArrayList<>());

	@Test
	void callsBackOncePerNewKindAndStack() {
		FindingLog log = new FindingLog(this.logged::add);
		assertThat(log.record(Kind.PINNED, "first", List.of("a.B.c(B.java:1)"), Duration.ofMillis(30))).isTrue();
		assertThat(log.record(Kind.PINNED, "again", List.of("a.B.c(B.java:1)"), Duration.ofMillis(20))).isFalse();
		assertThat(log.record(Kind.PINNED, "other stack", List.of("a.B.d(B.java:2)"), Duration.ofMillis(20))).isTrue();
		assertThat(log.record(Kind.NATIVE_CALL, "same stack, other kind", List.of("a.B.c(B.java:1)"),
				Duration.ofMillis(20)))
			.isTrue();
		assertThat(this.logged).extracting(Finding::summary)
			.containsExactly("first", "other stack", "same stack, other kind");
		assertThat(this.logged.get(0).stack()).containsExactly("a.B.c(B.java:1)");
		assertThat(this.logged.get(0).count()).isEqualTo(1);
	}

	@Test
	void aFindingThatMattersWhenItRecursIsAnnouncedOnItsSecondOccurrence() {
		FindingLog log = new FindingLog(this.logged::add);
		assertThat(log.record(Kind.PINNED, "once", List.of("a.B.c(B.java:1)"), Duration.ofMillis(30), 2)).isTrue();
		assertThat(this.logged).isEmpty();
		assertThat(log.top(5)).singleElement().satisfies((finding) -> assertThat(finding.count()).isEqualTo(1));
		assertThat(log.record(Kind.PINNED, "twice", List.of("a.B.c(B.java:1)"), Duration.ofMillis(40), 2)).isFalse();
		assertThat(log.record(Kind.PINNED, "thrice", List.of("a.B.c(B.java:1)"), Duration.ofMillis(10), 2)).isFalse();
		assertThat(this.logged).singleElement().satisfies((finding) -> {
			assertThat(finding.count()).isEqualTo(2);
			assertThat(finding.summary()).isEqualTo("twice");
		});
		assertThat(log.total(Kind.PINNED)).isEqualTo(3);
	}

	@Test
	void countsOccurrencesAndKeepsTheLongest() {
		FindingLog log = new FindingLog(this.logged::add);
		log.record(Kind.PINNED, "30 ms", List.of("x"), Duration.ofMillis(30));
		log.record(Kind.PINNED, "90 ms", List.of("x"), Duration.ofMillis(90));
		log.record(Kind.PINNED, "40 ms", List.of("x"), Duration.ofMillis(40));
		log.record(Kind.PINNED, "y", List.of("y"), Duration.ofMillis(10));
		log.record(Kind.NATIVE_CALL, "n", List.of("x"), Duration.ofMillis(10));
		Finding x = log.top(1).get(0);
		assertThat(x.stack()).containsExactly("x");
		assertThat(x.count()).isEqualTo(3);
		assertThat(x.longest()).isEqualTo(Duration.ofMillis(90));
		assertThat(x.summary()).isEqualTo("90 ms");
		assertThat(x.firstSeen()).isBeforeOrEqualTo(x.lastSeen());
		assertThat(log.total(Kind.PINNED)).isEqualTo(4);
		assertThat(log.total(Kind.NATIVE_CALL)).isEqualTo(1);
		assertThat(log.total(Kind.BLOCKED_LOOP)).isZero();
		assertThat(log.top(10)).hasSize(3);
		assertThat(log.top(10, Set.of(Kind.NATIVE_CALL))).extracting(Finding::summary).containsExactly("n");
	}

	@Test
	void updateRaisesTheDurationWithoutCounting() {
		FindingLog log = new FindingLog(this.logged::add);
		log.record(Kind.BLOCKED_LOOP, "blocked over 500 ms", List.of("x"), Duration.ofMillis(500));
		log.update(Kind.BLOCKED_LOOP, List.of("x"), "blocked 1.5 s", Duration.ofMillis(1500));
		log.update(Kind.BLOCKED_LOOP, List.of("x"), "blocked 1.0 s", Duration.ofMillis(1000));
		log.update(Kind.BLOCKED_LOOP, List.of("never recorded"), "ignored", Duration.ofSeconds(9));
		assertThat(log.top(5)).singleElement().satisfies((finding) -> {
			assertThat(finding.count()).isEqualTo(1);
			assertThat(finding.longest()).isEqualTo(Duration.ofMillis(1500));
			assertThat(finding.summary()).isEqualTo("blocked 1.5 s");
		});
		assertThat(log.total(Kind.BLOCKED_LOOP)).isEqualTo(1);
	}

	@Test
	void keepsTheTopFramesOnly() {
		FindingLog log = new FindingLog(this.logged::add);
		List<String> deep = IntStream.range(0, 40).mapToObj((i) -> "frame" + i).toList();
		log.record(Kind.PINNED, "deep", deep, Duration.ZERO);
		assertThat(log.record(Kind.PINNED, "same top", deep.subList(0, Finding.MAX_FRAMES), Duration.ZERO)).isFalse();
		assertThat(this.logged).singleElement()
			.satisfies((finding) -> assertThat(finding.stack()).hasSize(Finding.MAX_FRAMES).startsWith("frame0"));
	}

	@Test
	void countsStacksPastTheLimitInOneOtherFindingPerKind() {
		FindingLog log = new FindingLog(this.logged::add, 3);
		for (int i = 0; i < 10; i++) {
			boolean isNew = log.record(Kind.NATIVE_CALL, "call " + i, List.of("site" + i), Duration.ofMillis(i));
			assertThat(isNew).isEqualTo(i < 3);
		}
		log.record(Kind.PINNED, "pinned past the limit", List.of("p"), Duration.ZERO);
		assertThat(log.size()).isEqualTo(5);
		assertThat(log.total(Kind.NATIVE_CALL)).isEqualTo(10);
		assertThat(log.total(Kind.PINNED)).isEqualTo(1);
		// Three kept stacks, then one notice per kind that the limit was reached.
		assertThat(this.logged).hasSize(5);
		Finding other = log.top(10, Set.of(Kind.NATIVE_CALL)).get(0);
		assertThat(other.stack()).isEmpty();
		assertThat(other.count()).isEqualTo(7);
		assertThat(other.summary()).startsWith("other native-call findings").contains("more than 3 distinct stacks");
		assertThat(other.longest()).isEqualTo(Duration.ofMillis(9));
	}

	@Test
	void failingCallbackDoesNotBreakRecording() {
		FindingLog log = new FindingLog((finding) -> {
			throw new IllegalStateException("logging is down");
		});
		assertThat(log.record(Kind.PINNED, "s", List.of("x"), Duration.ZERO)).isTrue();
		assertThat(log.total(Kind.PINNED)).isEqualTo(1);
	}

	@Test
	void isThreadSafe() throws Exception {
		FindingLog log = new FindingLog(this.logged::add);
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CountDownLatch go = new CountDownLatch(1);
		try {
			for (int t = 0; t < 8; t++) {
				pool.execute(() -> {
					try {
						go.await();
					}
					catch (InterruptedException ex) {
						return;
					}
					for (int i = 0; i < 10_000; i++) {
						log.record(Kind.PINNED, "s", List.of("site" + (i % 20)), Duration.ofNanos(i));
					}
				});
			}
			go.countDown();
		}
		finally {
			pool.shutdown();
			assertThat(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
		}
		assertThat(log.total(Kind.PINNED)).isEqualTo(80_000);
		assertThat(this.logged).hasSize(20);
		assertThat(log.top(100)).extracting(Finding::count).containsOnly(4_000L);
	}

}
