package dev.workerclass.servlet;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.jspecify.annotations.Nullable;

/**
 * The response as a handler sees it, which the filter can seal when the request times out: from
 * then on the handler's writes, headers and status go nowhere, so the 503 the filter sends is the
 * only answer, and a handler still running after its request ended can never write into the
 * container's recycled response. No buffering of its own: writes pass straight through until sealed.
 * <p>
 * A template engine writes a page as thousands of short strings, so a write must cost next to
 * nothing on top of the container's. Each write announces itself in {@code writing} and then
 * reads {@code sealed}; {@link #seal()} sets {@code sealed} and then waits while {@code writing}
 * is set. With both as volatile accesses (a store, then a load of the other field, on each side)
 * either the write sees the seal and drops itself, or the seal sees the write and waits for it:
 * one fence per write, where a lock took two atomic updates and {@link PrintWriter}'s own lock
 * two more. A response is written by one thread at a time (the servlet contract), so one flag
 * is enough; the seal comes from another thread, the alarm's or the container's.
 */
class SealableResponse extends HttpServletResponseWrapper {

	private static final VarHandle WRITING;

	static {
		try {
			WRITING = MethodHandles.lookup().findVarHandle(SealableResponse.class, "writing", boolean.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	private volatile boolean sealed;

	/** Whether a write is passing to the container now; see the class comment. */
	@SuppressWarnings("unused")
	private volatile boolean writing;

	// The wrappers handed out, made once: a handler may ask for its stream more than once.
	private @Nullable SealableOutputStream outputStream;

	private @Nullable PrintWriter writer;

	private @Nullable PrintWriter writerDelegate;

	SealableResponse(HttpServletResponse response) {
		super(response);
	}

	/** Stops every later write; waits for a write in progress to finish. */
	void seal() {
		this.sealed = true;
		// A write to a slow client can block a while: spin briefly, then poll.
		for (int spins = 0; (boolean) WRITING.getVolatile(this); spins++) {
			if (spins < 100) {
				Thread.onSpinWait();
			}
			else {
				LockSupport.parkNanos(100_000);
			}
		}
	}

	/** Before a write: {@code false} (and nothing to undo) if the response is sealed. */
	private boolean beginWrite() {
		WRITING.setVolatile(this, true);
		if (this.sealed) {
			WRITING.setRelease(this, false);
			return false;
		}
		return true;
	}

	/** After a write that {@link #beginWrite()} let through, however it ended. */
	private void endWrite() {
		WRITING.setRelease(this, false);
	}

	@Override
	public ServletOutputStream getOutputStream() throws IOException {
		ServletOutputStream delegate = super.getOutputStream();
		SealableOutputStream stream = this.outputStream;
		if (stream == null || stream.delegate != delegate) {
			stream = new SealableOutputStream(delegate);
			this.outputStream = stream;
		}
		return stream;
	}

	@Override
	public PrintWriter getWriter() throws IOException {
		// Asked of the container every time, for its checks (a stream already in use, say).
		PrintWriter delegate = super.getWriter();
		PrintWriter writer = this.writer;
		if (writer == null || this.writerDelegate != delegate) {
			writer = new SealableWriter(delegate);
			this.writer = writer;
			this.writerDelegate = delegate;
		}
		return writer;
	}

	@Override
	public void setStatus(int status) {
		if (!this.sealed) {
			super.setStatus(status);
		}
	}

	@Override
	public void sendError(int status) throws IOException {
		if (!this.sealed) {
			super.sendError(status);
		}
	}

	@Override
	public void sendError(int status, String message) throws IOException {
		if (!this.sealed) {
			super.sendError(status, message);
		}
	}

	@Override
	public void sendRedirect(String location) throws IOException {
		if (!this.sealed) {
			super.sendRedirect(location);
		}
	}

	@Override
	public void setHeader(String name, String value) {
		if (!this.sealed) {
			super.setHeader(name, value);
		}
	}

	@Override
	public void addHeader(String name, String value) {
		if (!this.sealed) {
			super.addHeader(name, value);
		}
	}

	@Override
	public void setContentType(String type) {
		if (!this.sealed) {
			super.setContentType(type);
		}
	}

	@Override
	public void setContentLength(int length) {
		if (!this.sealed) {
			super.setContentLength(length);
		}
	}

	@Override
	public void setContentLengthLong(long length) {
		if (!this.sealed) {
			super.setContentLengthLong(length);
		}
	}

	@Override
	public void flushBuffer() throws IOException {
		if (beginWrite()) {
			try {
				super.flushBuffer();
			}
			finally {
				endWrite();
			}
		}
	}

	@Override
	public void reset() {
		if (!this.sealed) {
			super.reset();
		}
	}

	@Override
	public void resetBuffer() {
		if (!this.sealed) {
			super.resetBuffer();
		}
	}

	private final class SealableOutputStream extends ServletOutputStream {

		private final ServletOutputStream delegate;

		SealableOutputStream(ServletOutputStream delegate) {
			this.delegate = delegate;
		}

		@Override
		public void write(int b) throws IOException {
			if (beginWrite()) {
				try {
					this.delegate.write(b);
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			if (beginWrite()) {
				try {
					this.delegate.write(bytes, offset, length);
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public void flush() throws IOException {
			if (beginWrite()) {
				try {
					this.delegate.flush();
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public void close() throws IOException {
			if (beginWrite()) {
				try {
					this.delegate.close();
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public boolean isReady() {
			return this.delegate.isReady();
		}

		@Override
		public void setWriteListener(WriteListener listener) {
			this.delegate.setWriteListener(listener);
		}

	}

	/**
	 * The container's writer behind the seal. A {@link PrintWriter} itself rather than one wrapped
	 * around a plain writer: every way to write (the {@code print}, {@code println},
	 * {@code append} and {@code format} families end in these methods) passes straight to the
	 * container's writer, with no lock of {@code PrintWriter}'s own and no second layer. Each
	 * method calls the container's writer itself, never another of these: the flag would clear
	 * at the inner write's end.
	 */
	private final class SealableWriter extends PrintWriter {

		private final PrintWriter delegate;

		SealableWriter(PrintWriter delegate) {
			super(delegate, false);
			this.delegate = delegate;
		}

		@Override
		public void write(int c) {
			if (beginWrite()) {
				try {
					this.delegate.write(c);
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public void write(char[] chars, int offset, int length) {
			if (beginWrite()) {
				try {
					this.delegate.write(chars, offset, length);
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public void write(char[] chars) {
			write(chars, 0, chars.length);
		}

		@Override
		public void write(String text, int offset, int length) {
			if (beginWrite()) {
				try {
					this.delegate.write(text, offset, length);
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public void write(String text) {
			write(text, 0, text.length());
		}

		@Override
		public void println() {
			if (beginWrite()) {
				try {
					this.delegate.println();
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public void flush() {
			if (beginWrite()) {
				try {
					this.delegate.flush();
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public void close() {
			if (beginWrite()) {
				try {
					this.delegate.close();
				}
				finally {
					endWrite();
				}
			}
		}

		@Override
		public boolean checkError() {
			return this.delegate.checkError();
		}

	}

}
