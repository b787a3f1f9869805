package dev.workerclass.netty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.ThreadPerTaskExecutor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.NonBlocking;
import reactor.netty.resources.LoopResources;

import org.springframework.util.ClassUtils;

/**
 * The server's event loops, one per worker, resizable at runtime. Netty cannot add loops to a
 * running group, so the group holds {@code max-workers} loops and new connections go to the first
 * {@code workers} of them only (a loop's thread starts with its first connection). Shrinking sends
 * no new connection to the retired loops; the connections they have keep being served until they
 * close, as a busy gunicorn worker finishes before it exits.
 */
public class ResizableEventLoops implements LoopResources {

	/** Prefix of the event-loop thread names. */
	public static final String THREAD_PREFIX = "workerclass-loop-";

	private final int maxLoops;

	private final ActiveLoopsChooser chooser;

	private volatile @Nullable EventLoopGroup group;

	public ResizableEventLoops(int loops, int maxLoops) {
		this.maxLoops = maxLoops;
		this.chooser = new ActiveLoopsChooser(loops);
	}

	/** Sends new connections to the first {@code loops} loops from now on. */
	public void setActiveLoops(int loops) {
		this.chooser.active = Math.max(1, Math.min(loops, this.maxLoops));
	}

	public int activeLoops() {
		return this.chooser.active;
	}

	/** The loops that take new connections now, in order; none before the server has started. */
	public List<Executor> activeExecutors() {
		EventLoopGroup current = this.group;
		if (current == null) {
			return List.of();
		}
		List<Executor> active = new ArrayList<>();
		for (EventExecutor loop : current) {
			if (active.size() == this.chooser.active) {
				break;
			}
			active.add(loop);
		}
		return active;
	}

	@Override
	public EventLoopGroup onServer(boolean useNative) {
		EventLoopGroup current = this.group;
		if (current == null) {
			synchronized (this) {
				current = this.group;
				if (current == null) {
					current = new MultiThreadIoEventLoopGroup(this.maxLoops,
							new ThreadPerTaskExecutor(new LoopThreadFactory()), this.chooser, ioHandlerFactory(useNative));
					this.group = current;
				}
			}
		}
		return current;
	}

	@Override
	public boolean daemon() {
		return true;
	}

	@Override
	public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
		return Mono.defer(() -> {
			EventLoopGroup current = this.group;
			if (current == null) {
				return Mono.empty();
			}
			CompletableFuture<Void> terminated = new CompletableFuture<>();
			current.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)
				.addListener((future) -> terminated.complete(null));
			return Mono.fromFuture(terminated);
		});
	}

	@Override
	public boolean isDisposed() {
		EventLoopGroup current = this.group;
		return current != null && current.isTerminated();
	}

	private static IoHandlerFactory ioHandlerFactory(boolean useNative) {
		if (useNative && ClassUtils.isPresent("io.netty.channel.epoll.Epoll", ResizableEventLoops.class.getClassLoader())
				&& Epoll.isAvailable()) {
			return EpollIoHandler.newFactory();
		}
		return NioIoHandler.newFactory();
	}

	/** Round robin over the active loops only. */
	private static final class ActiveLoopsChooser implements EventExecutorChooserFactory {

		private final AtomicInteger next = new AtomicInteger();

		private volatile int active;

		private ActiveLoopsChooser(int active) {
			this.active = active;
		}

		@Override
		public EventExecutorChooser newChooser(EventExecutor[] executors) {
			return () -> executors[Math.floorMod(this.next.getAndIncrement(), Math.min(this.active, executors.length))];
		}

	}

	/** Loop threads as Reactor knows them: a blocking call on one fails fast instead of stalling the loop. */
	private static final class LoopThreadFactory implements ThreadFactory {

		private final AtomicInteger count = new AtomicInteger();

		@Override
		public Thread newThread(Runnable task) {
			Thread thread = new LoopThread(task, THREAD_PREFIX + this.count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		}

	}

	private static final class LoopThread extends FastThreadLocalThread implements NonBlocking {

		LoopThread(Runnable task, String name) {
			super(task, name);
		}

	}

}
