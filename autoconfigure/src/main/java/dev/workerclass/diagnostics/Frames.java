package dev.workerclass.diagnostics;

import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import org.jspecify.annotations.Nullable;

/**
 * Turns JFR and thread stacks into the frames a {@link Finding} keeps, and picks the frame a
 * summary names.
 */
final class Frames {

	private Frames() {
	}

	/**
	 * The top frames of a JFR stack, formatted as {@link StackTraceElement#toString()} would (JFR
	 * has no file names, so the file is taken from the top-level class name). Hidden frames
	 * (lambda forms, FFM stubs) are left out, as {@link Thread#getStackTrace()} leaves them out;
	 * so are the leading frames of the virtual-thread machinery, so that the frames kept reach
	 * the application's.
	 */
	static List<String> of(@Nullable RecordedStackTrace stackTrace) {
		List<String> frames = new ArrayList<>(Finding.MAX_FRAMES);
		if (stackTrace == null) {
			return frames;
		}
		boolean leading = true;
		for (RecordedFrame frame : stackTrace.getFrames()) {
			RecordedMethod method = frame.getMethod();
			if (method == null || method.isHidden()) {
				continue;
			}
			String className = method.getType().getName();
			if (leading && (className.equals("java.lang.VirtualThread")
					|| className.startsWith("jdk.internal.vm.Continuation"))) {
				continue;
			}
			leading = false;
			frames.add(format(className, method.getName(), frame.getLineNumber(),
					Modifier.isNative(method.getModifiers())));
			if (frames.size() == Finding.MAX_FRAMES) {
				break;
			}
		}
		return frames;
	}

	/** The top frames of a thread's stack, as {@link StackTraceElement#toString()}. */
	static List<String> of(StackTraceElement[] stackTrace) {
		List<String> frames = new ArrayList<>(Finding.MAX_FRAMES);
		for (int i = 0; i < stackTrace.length && i < Finding.MAX_FRAMES; i++) {
			frames.add(stackTrace[i].toString());
		}
		return frames;
	}

	/**
	 * Names the native code on top of a JFR stack: the native method ("a.B.c (native)"), or "an
	 * FFM downcall" when the top is a foreign-function stub (a downcall has no native Java
	 * method, only hidden stub frames). {@code null} for the JDK's own native methods: they are
	 * short ({@code System.nanoTime} in interpreted code, caught by chance in a CPU-bound loop)
	 * or, for blocking file I/O, compensated by the scheduler with an extra carrier, so they do
	 * not explain starvation.
	 */
	static @Nullable String nativeFrame(@Nullable RecordedStackTrace stackTrace) {
		if (stackTrace != null) {
			for (RecordedFrame frame : stackTrace.getFrames()) {
				RecordedMethod method = frame.getMethod();
				if (method == null) {
					continue;
				}
				String className = method.getType().getName();
				if (Modifier.isNative(method.getModifiers())) {
					return isJdk(className) ? null : className + "." + method.getName() + " (native)";
				}
				if (className.startsWith("jdk.internal.foreign.abi.")) {
					return "an FFM downcall";
				}
				if (!method.isHidden()) {
					break;
				}
			}
		}
		return "native code";
	}

	/**
	 * The frame a summary names: the first that is not the JDK's (the application's call), or
	 * the top frame when all are the JDK's; {@code null} for an empty stack.
	 */
	static @Nullable String culprit(List<String> frames) {
		for (String frame : frames) {
			if (!isJdk(frame)) {
				return frame;
			}
		}
		return frames.isEmpty() ? null : frames.get(0);
	}

	/** "850 ms", "1.2 s". */
	static String duration(Duration duration) {
		long millis = duration.toMillis();
		if (millis < 1000) {
			return millis + " ms";
		}
		return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
	}

	private static boolean isJdk(String frame) {
		// Thread.getStackTrace() prefixes JDK frames with their module ("java.base/java.lang...").
		int slash = frame.indexOf('/');
		int paren = frame.indexOf('(');
		String name = (slash >= 0 && (paren < 0 || slash < paren)) ? frame.substring(slash + 1) : frame;
		return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
				|| name.startsWith("sun.") || name.startsWith("com.sun.");
	}

	private static String format(String className, String methodName, int line, boolean nativeMethod) {
		StringBuilder frame = new StringBuilder(className).append('.').append(methodName).append('(');
		if (nativeMethod) {
			frame.append("Native Method");
		}
		else if (line > 0) {
			frame.append(sourceFile(className)).append(':').append(line);
		}
		else {
			frame.append("Unknown Source");
		}
		return frame.append(')').toString();
	}

	private static String sourceFile(String className) {
		String simple = className.substring(className.lastIndexOf('.') + 1);
		int dollar = simple.indexOf('$');
		return ((dollar > 0) ? simple.substring(0, dollar) : simple) + ".java";
	}

}
