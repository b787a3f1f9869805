package dev.workerclass.workers;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link WorkerSlots}: the slots behind every worker class.
 */
class WorkerSlotsTests {

	/** A line long enough never to reject in tests about something else. */
	private static final int UNBOUNDED = Integer.MAX_VALUE;

	@Test
	void aLimitBelowTheCapacityAdmitsFewerAndTheRestWaitInLine() {
		WorkerSlots slots = new WorkerSlots(4, UNBOUNDED);
		slots.setLimit(2);
		WorkerSlots.Ticket first = slots.acquire();
		WorkerSlots.Ticket second = slots.acquire();
		WorkerSlots.Ticket third = slots.acquire();
		assertThat(first.isGranted()).isTrue();
		assertThat(second.isGranted()).isTrue();
		assertThat(third.isGranted()).isFalse();
		assertThat(slots.admitting()).isEqualTo(2);
		assertThat(slots.queued()).isEqualTo(1);
		first.release();
		assertThat(third.isGranted()).as("the freed slot goes to the line, within the limit").isTrue();
	}

	@Test
	void raisingTheLimitAdmitsWaitingRequestsAtOnceAndNeverPastTheCapacity() {
		WorkerSlots slots = new WorkerSlots(3, UNBOUNDED);
		slots.setLimit(1);
		List<WorkerSlots.Ticket> tickets = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			tickets.add(slots.acquire());
		}
		assertThat(slots.busy()).isEqualTo(1);
		slots.setLimit(10);
		assertThat(slots.busy()).as("the capacity bounds a limit above it").isEqualTo(3);
		assertThat(slots.admitting()).isEqualTo(3);
		assertThat(tickets.stream().filter(WorkerSlots.Ticket::isGranted).count()).isEqualTo(3);
		assertThatIllegalArgumentException().isThrownBy(() -> slots.setLimit(0)).withMessageContaining("at least 1");
	}

	@Test
	void loweringTheLimitTakesNoSlotAwayAndAdmitsFewerFromThenOn() {
		WorkerSlots slots = new WorkerSlots(4, UNBOUNDED);
		List<WorkerSlots.Ticket> held = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			held.add(slots.acquire());
		}
		slots.setLimit(2);
		assertThat(held).allMatch(WorkerSlots.Ticket::isGranted);
		WorkerSlots.Ticket waiting = slots.acquire();
		held.get(0).release();
		held.get(1).release();
		assertThat(waiting.isGranted()).as("3 and then 2 still busy: at the limit").isFalse();
		held.get(2).release();
		assertThat(waiting.isGranted()).isTrue();
	}

	@Test
	void aLineThatFollowsTheLimitIsAsLongAsTheLimitAndRefusesTheRest() {
		WorkerSlots slots = new WorkerSlots(100, 1000);
		slots.followLimitWithLine(true);
		slots.setLimit(2);
		assertThat(slots.lineBound()).isEqualTo(2);
		List<WorkerSlots.Ticket> tickets = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			tickets.add(slots.acquire());
		}
		assertThat(tickets.stream().filter(WorkerSlots.Ticket::isGranted).count()).isEqualTo(2);
		assertThat(slots.queued()).isEqualTo(2);
		assertThat(tickets.get(4).isRejected()).isTrue();
		slots.setLimit(50);
		assertThat(slots.lineBound()).isEqualTo(50);
		slots.setMaxQueued(10);
		assertThat(slots.lineBound()).as("never longer than the most allowed").isEqualTo(10);
		slots.followLimitWithLine(false);
		assertThat(slots.lineBound()).isEqualTo(10);
	}

	@Test
	void anObserverHearsHowLongEachAdmittedRequestHeldItsSlotAndWhetherItWasDropped() throws Exception {
		WorkerSlots slots = new WorkerSlots(2, UNBOUNDED);
		List<long[]> heard = new ArrayList<>();
		WorkerSlots.Ticket before = slots.acquire();
		slots.observe((grantedAt, heldNanos, inFlight, dropped) -> heard
			.add(new long[] { grantedAt, heldNanos, inFlight, dropped ? 1 : 0 }));
		long start = System.nanoTime();
		WorkerSlots.Ticket observed = slots.acquire();
		WorkerSlots.Ticket waiting = slots.acquire();
		Thread.sleep(30);
		observed.release();
		assertThat(heard).singleElement().satisfies((sample) -> {
			assertThat(sample[0]).isBetween(start, System.nanoTime());
			assertThat(sample[1]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(25));
			assertThat(sample[2]).as("in flight with it").isEqualTo(2);
			assertThat(sample[3]).isZero();
		});
		assertThat(waiting.isGranted()).isTrue();
		waiting.drop();
		waiting.release();
		waiting.release();
		assertThat(heard).hasSize(2);
		assertThat(heard.get(1)[3]).as("dropped").isEqualTo(1);
		before.release();
		assertThat(heard).as("granted before the observer was set: not heard").hasSize(2);
		slots.observe(null);
		slots.acquire().release();
		assertThat(heard).hasSize(2);
	}

	@Test
	void grantsSlotsAtOnceUpToTheCapacity() {
		WorkerSlots slots = new WorkerSlots(2, UNBOUNDED);
		List<String> granted = new ArrayList<>();
		WorkerSlots.Ticket first = slots.acquire((ticket) -> granted.add("first"));
		WorkerSlots.Ticket second = slots.acquire((ticket) -> granted.add("second"));
		assertThat(granted).containsExactly("first", "second");
		assertThat(first.isGranted()).isTrue();
		assertThat(second.isGranted()).isTrue();
		assertThat(slots.busy()).isEqualTo(2);
		assertThat(slots.queued()).isZero();
	}

	@Test
	void awaitIdleReturnsWhenTheLastBusySlotIsGivenBackAndGivesUpAtItsDeadline() throws Exception {
		WorkerSlots slots = new WorkerSlots(2, UNBOUNDED);
		WorkerSlots.Ticket first = slots.acquire();
		WorkerSlots.Ticket second = slots.acquire();
		assertThat(slots.awaitIdle(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50))).isFalse();
		AtomicBoolean idle = new AtomicBoolean();
		Thread waiter = Thread.ofPlatform()
			.start(() -> {
				try {
					idle.set(slots.awaitIdle(System.nanoTime() + TimeUnit.SECONDS.toNanos(30)));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			});
		first.release();
		Thread.sleep(50);
		assertThat(waiter.isAlive()).as("still one busy slot").isTrue();
		second.release();
		waiter.join(TimeUnit.SECONDS.toMillis(10));
		assertThat(waiter.isAlive()).isFalse();
		assertThat(idle).isTrue();
	}

	@Test
	void grantRunsOnTheCallingThreadWhenASlotIsFree() {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		AtomicReferenceThread grantedOn = new AtomicReferenceThread();
		slots.acquire((ticket) -> grantedOn.thread = Thread.currentThread());
		assertThat(grantedOn.thread).isSameAs(Thread.currentThread());
	}

	@Test
	void requestsBeyondTheCapacityWaitInLineFirstComeFirstServed() {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		List<String> granted = new ArrayList<>();
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> granted.add("holder"));
		WorkerSlots.Ticket a = slots.acquire((ticket) -> granted.add("a"));
		WorkerSlots.Ticket b = slots.acquire((ticket) -> granted.add("b"));
		WorkerSlots.Ticket c = slots.acquire((ticket) -> granted.add("c"));
		assertThat(granted).containsExactly("holder");
		assertThat(a.isGranted()).isFalse();
		assertThat(slots.busy()).isEqualTo(1);
		assertThat(slots.queued()).isEqualTo(3);
		holder.release();
		assertThat(granted).containsExactly("holder", "a");
		assertThat(a.isGranted()).isTrue();
		assertThat(slots.busy()).isEqualTo(1);
		assertThat(slots.queued()).isEqualTo(2);
		a.release();
		assertThat(granted).containsExactly("holder", "a", "b");
		b.release();
		assertThat(granted).containsExactly("holder", "a", "b", "c");
		c.release();
		assertThat(slots.busy()).isZero();
		assertThat(slots.queued()).isZero();
		assertThat(slots.completed()).isEqualTo(4);
	}

	@Test
	void newRequestDoesNotOvertakeTheLine() {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		List<String> granted = new ArrayList<>();
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> granted.add("holder"));
		slots.acquire((ticket) -> granted.add("waiting"));
		holder.release();
		slots.acquire((ticket) -> granted.add("late"));
		assertThat(granted).containsExactly("holder", "waiting");
		assertThat(slots.queued()).isEqualTo(1);
	}

	@Test
	void grantAfterReleaseRunsOnTheReleasingThread() throws Exception {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> {
		});
		AtomicReferenceThread grantedOn = new AtomicReferenceThread();
		slots.acquire((ticket) -> grantedOn.thread = Thread.currentThread());
		Thread releaser = Thread.ofPlatform().name("releaser").start(holder::release);
		releaser.join(5000);
		assertThat(grantedOn.thread).isSameAs(releaser);
	}

	@Test
	void releasingTwiceCountsOnce() {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		AtomicInteger grants = new AtomicInteger();
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> grants.incrementAndGet());
		WorkerSlots.Ticket waiting = slots.acquire((ticket) -> grants.incrementAndGet());
		holder.release();
		holder.release();
		assertThat(slots.completed()).isEqualTo(1);
		assertThat(slots.busy()).isEqualTo(1);
		assertThat(waiting.isGranted()).isTrue();
		assertThat(holder.isGranted()).isFalse();
		waiting.release();
		waiting.release();
		assertThat(slots.completed()).isEqualTo(2);
		assertThat(slots.busy()).isZero();
		assertThat(grants).hasValue(2);
	}

	@Test
	void releasingAWaitingTicketLeavesTheLineAndItIsNeverGranted() {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		List<String> granted = new ArrayList<>();
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> granted.add("holder"));
		WorkerSlots.Ticket gone = slots.acquire((ticket) -> granted.add("gone"));
		WorkerSlots.Ticket next = slots.acquire((ticket) -> granted.add("next"));
		gone.release();
		assertThat(slots.queued()).isEqualTo(1);
		assertThat(slots.busy()).isEqualTo(1);
		assertThat(slots.completed()).isZero();
		holder.release();
		assertThat(granted).containsExactly("holder", "next");
		assertThat(gone.isGranted()).isFalse();
		assertThat(next.isGranted()).isTrue();
		next.release();
		slots.setCapacity(5);
		assertThat(granted).containsExactly("holder", "next");
		assertThat(slots.busy()).isZero();
		assertThat(slots.queued()).isZero();
		assertThat(slots.completed()).isEqualTo(2);
	}

	@Test
	void growingTheCapacityAdmitsWaitingRequestsBeforeItReturns() {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		List<String> granted = new ArrayList<>();
		slots.acquire((ticket) -> granted.add("holder"));
		slots.acquire((ticket) -> granted.add("a"));
		slots.acquire((ticket) -> granted.add("b"));
		slots.acquire((ticket) -> granted.add("c"));
		slots.setCapacity(3);
		assertThat(granted).containsExactly("holder", "a", "b");
		assertThat(slots.capacity()).isEqualTo(3);
		assertThat(slots.busy()).isEqualTo(3);
		assertThat(slots.queued()).isEqualTo(1);
	}

	@Test
	void shrinkingTheCapacityTakesNoSlotAwayAndAdmitsNoneUntilBusyIsBelowIt() {
		WorkerSlots slots = new WorkerSlots(3, UNBOUNDED);
		List<String> granted = new ArrayList<>();
		WorkerSlots.Ticket a = slots.acquire((ticket) -> granted.add("a"));
		WorkerSlots.Ticket b = slots.acquire((ticket) -> granted.add("b"));
		WorkerSlots.Ticket c = slots.acquire((ticket) -> granted.add("c"));
		slots.acquire((ticket) -> granted.add("waiting"));
		slots.setCapacity(1);
		assertThat(a.isGranted()).isTrue();
		assertThat(b.isGranted()).isTrue();
		assertThat(c.isGranted()).isTrue();
		assertThat(slots.busy()).isEqualTo(3);
		assertThat(slots.capacity()).isEqualTo(1);
		a.release();
		assertThat(slots.busy()).isEqualTo(2);
		assertThat(granted).doesNotContain("waiting");
		b.release();
		assertThat(slots.busy()).isEqualTo(1);
		assertThat(granted).doesNotContain("waiting");
		assertThat(slots.queued()).isEqualTo(1);
		c.release();
		assertThat(granted).containsExactly("a", "b", "c", "waiting");
		assertThat(slots.busy()).isEqualTo(1);
		assertThat(slots.queued()).isZero();
	}

	@Test
	void newRequestsAfterAShrinkWaitWhileBusyIsAtTheCapacity() {
		WorkerSlots slots = new WorkerSlots(2, UNBOUNDED);
		WorkerSlots.Ticket a = slots.acquire((ticket) -> {
		});
		slots.setCapacity(1);
		WorkerSlots.Ticket b = slots.acquire((ticket) -> {
		});
		assertThat(b.isGranted()).isFalse();
		a.release();
		assertThat(b.isGranted()).isTrue();
	}

	@Test
	void completedCountsOnlyRequestsThatHeldASlot() {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> {
		});
		WorkerSlots.Ticket cancelled = slots.acquire((ticket) -> {
		});
		assertThat(slots.completed()).isZero();
		cancelled.release();
		assertThat(slots.completed()).isZero();
		holder.release();
		assertThat(slots.completed()).isEqualTo(1);
		for (int i = 0; i < 10; i++) {
			slots.acquire((ticket) -> {
			}).release();
		}
		assertThat(slots.completed()).isEqualTo(11);
	}

	@Test
	void capacityBelowOneIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WorkerSlots(0, UNBOUNDED));
		WorkerSlots slots = new WorkerSlots(2, UNBOUNDED);
		assertThatIllegalArgumentException().isThrownBy(() -> slots.setCapacity(0));
		assertThatIllegalArgumentException().isThrownBy(() -> slots.setCapacity(-1));
		assertThat(slots.capacity()).isEqualTo(2);
	}

	@Test
	void concurrentAcquireReleaseAndResizeKeepTheCountersExact() throws Exception {
		int threads = 8;
		int iterations = 2000;
		int maxLimit = 4;
		WorkerSlots slots = new WorkerSlots(3, UNBOUNDED);
		AtomicInteger holding = new AtomicInteger();
		AtomicInteger overLimit = new AtomicInteger();
		AtomicLong grants = new AtomicLong();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					ThreadLocalRandom random = ThreadLocalRandom.current();
					for (int i = 0; i < iterations; i++) {
						if (random.nextInt(50) == 0) {
							slots.setCapacity(1 + random.nextInt(maxLimit));
						}
						CountDownLatch granted = new CountDownLatch(1);
						WorkerSlots.Ticket ticket = slots.acquire((held) -> {
							grants.incrementAndGet();
							if (holding.incrementAndGet() > maxLimit) {
								overLimit.incrementAndGet();
							}
							granted.countDown();
						});
						assertThat(granted.await(10, TimeUnit.SECONDS)).as("granted in time").isTrue();
						holding.decrementAndGet();
						ticket.release();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(overLimit).hasValue(0);
		assertThat(slots.busy()).isZero();
		assertThat(slots.queued()).isZero();
		assertThat(grants.get()).isEqualTo((long) threads * iterations);
		assertThat(slots.completed()).isEqualTo(grants.get());
	}

	@Test
	void releasingWaitingTicketsConcurrentlyWithGrantsLeaksNoSlot() throws Exception {
		int threads = 8;
		int iterations = 5000;
		WorkerSlots slots = new WorkerSlots(2, UNBOUNDED);
		AtomicLong grants = new AtomicLong();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < iterations; i++) {
						CountDownLatch granted = new CountDownLatch(1);
						WorkerSlots.Ticket ticket = slots.acquire((held) -> {
							grants.incrementAndGet();
							granted.countDown();
						});
						if (!ticket.isGranted()) {
							// The client goes away while waiting: it leaves the line (or, if a slot
							// was granted just now, gives it back).
							ticket.release();
						}
						else {
							granted.await(10, TimeUnit.SECONDS);
							ticket.release();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(slots.busy()).isZero();
		assertThat(slots.queued()).isZero();
		assertThat(slots.completed()).isEqualTo(grants.get());
	}

	@Test
	void slotFreedWhileAWaitingTicketLeavesDoesNotGrantIt() throws Exception {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> {
		});
		AtomicBoolean leaverGranted = new AtomicBoolean();
		WorkerSlots.Ticket leaver = slots.acquire((ticket) -> leaverGranted.set(true));
		// Deterministically interleave: the holder releases right after the leaver has marked
		// itself done, before it has left the line.
		HookedLock lock = new HookedLock();
		Field field = WorkerSlots.class.getDeclaredField("lock");
		field.setAccessible(true);
		field.set(slots, lock);
		// The idle condition belongs to the lock it waits on.
		Field idle = WorkerSlots.class.getDeclaredField("idle");
		idle.setAccessible(true);
		idle.set(slots, lock.newCondition());
		lock.afterNextUnlock = holder::release;
		leaver.release();
		assertThat(leaverGranted).as("callback of a ticket that left the line").isFalse();
		assertThat(slots.busy()).isZero();
		assertThat(slots.queued()).isZero();
		assertThat(slots.completed()).isEqualTo(1);
	}

	// A thread waiting for its own ticket

	@Test
	void aThreadsTicketIsGrantedAtOnceWhenASlotIsFree() throws Exception {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		WorkerSlots.Ticket ticket = slots.acquire();
		assertThat(ticket.isGranted()).isTrue();
		assertThat(ticket.await(Long.MAX_VALUE)).isTrue();
		assertThat(slots.busy()).isEqualTo(1);
		ticket.release();
		ticket.release();
		assertThat(slots.busy()).isZero();
		assertThat(slots.completed()).isEqualTo(1);
	}

	@Test
	void aWaitingThreadIsWokenByTheReleaseThatFreesItsSlot() throws Exception {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		WorkerSlots.Ticket holder = slots.acquire();
		AtomicBoolean granted = new AtomicBoolean();
		CountDownLatch waiting = new CountDownLatch(1);
		Thread waiter = Thread.ofVirtual().start(() -> {
			WorkerSlots.Ticket ticket = slots.acquire();
			waiting.countDown();
			try {
				granted.set(ticket.await(Long.MAX_VALUE));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			finally {
				ticket.release();
			}
		});
		assertThat(waiting.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(slots.queued()).isEqualTo(1);
		holder.release();
		waiter.join(5_000);
		assertThat(granted).isTrue();
		assertThat(slots.busy()).isZero();
		assertThat(slots.queued()).isZero();
		assertThat(slots.completed()).isEqualTo(2);
	}

	@Test
	void awaitGivesUpAtTheDeadlineAndTheReleaseLeavesTheLine() throws Exception {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		WorkerSlots.Ticket holder = slots.acquire();
		WorkerSlots.Ticket late = slots.acquire();
		assertThat(late.await(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50))).isFalse();
		late.release();
		assertThat(slots.queued()).isZero();
		holder.release();
		assertThat(slots.busy()).isZero();
		assertThat(slots.completed()).isEqualTo(1);
	}

	@Test
	void anInterruptedWaiterGetsInterruptedException() {
		WorkerSlots slots = new WorkerSlots(1, UNBOUNDED);
		slots.acquire();
		WorkerSlots.Ticket waiting = slots.acquire();
		Thread.currentThread().interrupt();
		try {
			waiting.await(Long.MAX_VALUE);
			throw new AssertionError("not interrupted");
		}
		catch (InterruptedException expected) {
			assertThat(Thread.currentThread().isInterrupted()).isFalse();
		}
		waiting.release();
		assertThat(slots.queued()).isZero();
	}

	// The bounded line

	@Test
	void aRequestFindingTheLineFullIsRejectedAtOnceAndNeverGranted() {
		WorkerSlots slots = new WorkerSlots(1, 2);
		List<String> granted = new ArrayList<>();
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> granted.add("holder"));
		WorkerSlots.Ticket a = slots.acquire((ticket) -> granted.add("a"));
		WorkerSlots.Ticket b = slots.acquire((ticket) -> granted.add("b"));
		WorkerSlots.Ticket refused = slots.acquire((ticket) -> granted.add("refused"));
		assertThat(a.isRejected()).isFalse();
		assertThat(b.isRejected()).isFalse();
		assertThat(refused.isRejected()).isTrue();
		assertThat(refused.isGranted()).isFalse();
		assertThat(slots.queued()).isEqualTo(2);
		assertThat(slots.busy()).isEqualTo(1);
		assertThat(slots.rejected()).isEqualTo(1);
		holder.release();
		a.release();
		b.release();
		assertThat(granted).containsExactly("holder", "a", "b");
		assertThat(refused.isGranted()).isFalse();
		assertThat(refused.isRejected()).isTrue();
		assertThat(slots.completed()).isEqualTo(3);
		assertThat(slots.rejected()).isEqualTo(1);
	}

	@Test
	void releasingARejectedTicketChangesNothing() {
		WorkerSlots slots = new WorkerSlots(1, 1);
		AtomicInteger grants = new AtomicInteger();
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> grants.incrementAndGet());
		WorkerSlots.Ticket waiting = slots.acquire((ticket) -> grants.incrementAndGet());
		WorkerSlots.Ticket refused = slots.acquire((ticket) -> grants.incrementAndGet());
		assertThat(refused.isRejected()).isTrue();
		refused.release();
		refused.release();
		assertThat(slots.busy()).isEqualTo(1);
		assertThat(slots.queued()).isEqualTo(1);
		assertThat(slots.completed()).isZero();
		assertThat(slots.rejected()).isEqualTo(1);
		assertThat(holder.isGranted()).isTrue();
		assertThat(waiting.isGranted()).isFalse();
		assertThat(grants).hasValue(1);
		holder.release();
		assertThat(waiting.isGranted()).isTrue();
		assertThat(grants).hasValue(2);
	}

	@Test
	void withNoLineARequestEitherGetsAFreeSlotOrIsRejected() {
		WorkerSlots slots = new WorkerSlots(2, 0);
		assertThat(slots.maxQueued()).isZero();
		WorkerSlots.Ticket a = slots.acquire((ticket) -> {
		});
		WorkerSlots.Ticket b = slots.acquire((ticket) -> {
		});
		WorkerSlots.Ticket c = slots.acquire((ticket) -> {
		});
		assertThat(a.isGranted()).isTrue();
		assertThat(b.isGranted()).isTrue();
		assertThat(c.isRejected()).isTrue();
		assertThat(slots.queued()).isZero();
		a.release();
		WorkerSlots.Ticket d = slots.acquire((ticket) -> {
		});
		assertThat(d.isGranted()).isTrue();
		assertThat(slots.rejected()).isEqualTo(1);
	}

	@Test
	void aNegativeMaxQueuedMeansNoLine() {
		WorkerSlots slots = new WorkerSlots(1, -5);
		assertThat(slots.maxQueued()).isZero();
		slots.setMaxQueued(-1);
		assertThat(slots.maxQueued()).isZero();
		slots.acquire((ticket) -> {
		});
		assertThat(slots.acquire((ticket) -> {
		}).isRejected()).isTrue();
	}

	@Test
	void shrinkingTheLineKeepsThoseWaitingAndRejectsNewcomersUntilThereIsRoom() {
		WorkerSlots slots = new WorkerSlots(1, 3);
		List<String> granted = new ArrayList<>();
		WorkerSlots.Ticket holder = slots.acquire((ticket) -> granted.add("holder"));
		WorkerSlots.Ticket a = slots.acquire((ticket) -> granted.add("a"));
		slots.acquire((ticket) -> granted.add("b"));
		slots.acquire((ticket) -> granted.add("c"));
		slots.setMaxQueued(1);
		assertThat(slots.maxQueued()).isEqualTo(1);
		assertThat(slots.queued()).isEqualTo(3);
		assertThat(slots.acquire((ticket) -> granted.add("refused")).isRejected()).isTrue();
		holder.release();
		a.release();
		assertThat(granted).containsExactly("holder", "a", "b");
		assertThat(slots.queued()).isEqualTo(1);
		assertThat(slots.acquire((ticket) -> granted.add("still refused")).isRejected()).isTrue();
		slots.setMaxQueued(2);
		WorkerSlots.Ticket late = slots.acquire((ticket) -> granted.add("late"));
		assertThat(late.isRejected()).isFalse();
		assertThat(slots.queued()).isEqualTo(2);
		assertThat(slots.rejected()).isEqualTo(2);
	}

	@Test
	void growingTheCapacityDoesNotRejectAnyoneWaiting() {
		WorkerSlots slots = new WorkerSlots(1, 2);
		AtomicInteger grants = new AtomicInteger();
		slots.acquire((ticket) -> grants.incrementAndGet());
		slots.acquire((ticket) -> grants.incrementAndGet());
		slots.acquire((ticket) -> grants.incrementAndGet());
		slots.setCapacity(3);
		assertThat(grants).hasValue(3);
		assertThat(slots.queued()).isZero();
		assertThat(slots.rejected()).isZero();
	}

	@Test
	void concurrentRequestsAgainstABoundedLineAreEachGrantedOrRejected() throws Exception {
		int threads = 8;
		int iterations = 1000;
		WorkerSlots slots = new WorkerSlots(2, 3);
		AtomicLong grants = new AtomicLong();
		AtomicLong refused = new AtomicLong();
		AtomicInteger holding = new AtomicInteger();
		AtomicInteger overLimit = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> futures = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				futures.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < iterations; i++) {
						CountDownLatch granted = new CountDownLatch(1);
						WorkerSlots.Ticket ticket = slots.acquire((held) -> {
							grants.incrementAndGet();
							if (holding.incrementAndGet() > 2) {
								overLimit.incrementAndGet();
							}
							granted.countDown();
						});
						if (ticket.isRejected()) {
							refused.incrementAndGet();
							continue;
						}
						assertThat(granted.await(10, TimeUnit.SECONDS)).as("granted in time").isTrue();
						holding.decrementAndGet();
						ticket.release();
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> future : futures) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(overLimit).hasValue(0);
		assertThat(grants.get() + refused.get()).isEqualTo((long) threads * iterations);
		assertThat(slots.rejected()).isEqualTo(refused.get());
		assertThat(slots.completed()).isEqualTo(grants.get());
		assertThat(slots.busy()).isZero();
		assertThat(slots.queued()).isZero();
	}

	static class AtomicReferenceThread {

		volatile Thread thread;

	}

	/** Runs a hook on the thread that unlocks, right after its next unlock. */
	static class HookedLock extends ReentrantLock {

		volatile Runnable afterNextUnlock;

		@Override
		public void unlock() {
			super.unlock();
			Runnable hook = this.afterNextUnlock;
			if (hook != null && !isLocked()) {
				this.afterNextUnlock = null;
				hook.run();
			}
		}

	}

}
