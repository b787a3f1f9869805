package dev.workerclass.servlet;

import java.io.PrintWriter;
import java.io.Writer;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServletResponse;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the starter's sealable response adds to writing a page, single-threaded, with no HTTP: a
 * template engine writes a page as many short strings, here 1,000 of 4 to 40 characters, to the
 * container's writer directly ({@code container}) and through {@link SealableResponse}
 * ({@code sealable}, including making the wrapper, as for every request). The container's writer
 * is a {@link PrintWriter} that copies into a buffer without locking, as Tomcat's does.
 * <p>
 * In the starter's package, to reach the package-private wrapper.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ResponseWriteCost {

	private static final int WRITES = 1000;

	private final String[] page = new String[WRITES];

	private PageBuffer buffer;

	private HttpServletResponse response;

	@Setup
	public void setUp() {
		for (int i = 0; i < WRITES; i++) {
			char[] text = new char[4 + (i * 7) % 37];
			Arrays.fill(text, (char) ('a' + i % 26));
			this.page[i] = new String(text);
		}
		this.buffer = new PageBuffer();
		PageBuffer writer = this.buffer;
		this.response = (HttpServletResponse) Proxy.newProxyInstance(getClass().getClassLoader(),
				new Class<?>[] { HttpServletResponse.class },
				(proxy, method, args) -> method.getName().equals("getWriter") ? writer : null);
	}

	@Benchmark
	public int container() {
		this.buffer.length = 0;
		PrintWriter writer = this.buffer;
		for (String text : this.page) {
			writer.write(text);
		}
		return this.buffer.length;
	}

	@Benchmark
	public int sealable() throws Exception {
		this.buffer.length = 0;
		PrintWriter writer = new SealableResponse(this.response).getWriter();
		for (String text : this.page) {
			writer.write(text);
		}
		return this.buffer.length;
	}

	/** A container's writer: copies into its buffer, no lock, as Tomcat's {@code CoyoteWriter} over its buffer. */
	private static final class PageBuffer extends PrintWriter {

		private char[] chars = new char[64 * 1024];

		private int length;

		PageBuffer() {
			super(Writer.nullWriter());
		}

		@Override
		public void write(String text, int offset, int count) {
			text.getChars(offset, offset + count, this.chars, this.length);
			this.length += count;
		}

		@Override
		public void write(String text) {
			write(text, 0, text.length());
		}

		@Override
		public void write(char[] text, int offset, int count) {
			System.arraycopy(text, offset, this.chars, this.length, count);
			this.length += count;
		}

		@Override
		public void write(int c) {
			this.chars[this.length++] = (char) c;
		}

	}

}
