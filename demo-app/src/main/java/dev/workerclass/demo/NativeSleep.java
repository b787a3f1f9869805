package dev.workerclass.demo;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * libc's {@code sleep(3)} through the FFM API: a call that blocks inside C, as a blocking C
 * extension does under gevent. A virtual thread in it cannot unmount, so it holds its carrier.
 */
final class NativeSleep {

	private static final MethodHandle SLEEP = Linker.nativeLinker()
		.downcallHandle(Linker.nativeLinker().defaultLookup().find("sleep").orElseThrow(),
				FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

	private NativeSleep() {
	}

	/** Blocks the calling thread in C for {@code seconds}; returns the seconds left if interrupted by a signal. */
	static int sleep(int seconds) {
		try {
			return (int) SLEEP.invokeExact(seconds);
		}
		catch (Throwable ex) {
			throw new IllegalStateException("libc sleep failed", ex);
		}
	}

}
