package dev.workerclass.servlet;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

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
 */
class SealableResponse extends HttpServletResponseWrapper {

	private final Object lock = new Object();

	private volatile boolean sealed;

	// The wrappers handed out, made once: a handler may ask for its stream more than once.
	private @Nullable SealableOutputStream outputStream;

	private @Nullable PrintWriter writer;

	private @Nullable PrintWriter writerDelegate;

	SealableResponse(HttpServletResponse response) {
		super(response);
	}

	/** Stops every later write; waits for a write in progress to finish. */
	void seal() {
		synchronized (this.lock) {
			this.sealed = true;
		}
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
			writer = new PrintWriter(new SealableWriter(delegate));
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
		synchronized (this.lock) {
			if (!this.sealed) {
				super.flushBuffer();
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
			synchronized (SealableResponse.this.lock) {
				if (!SealableResponse.this.sealed) {
					this.delegate.write(b);
				}
			}
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			synchronized (SealableResponse.this.lock) {
				if (!SealableResponse.this.sealed) {
					this.delegate.write(bytes, offset, length);
				}
			}
		}

		@Override
		public void flush() throws IOException {
			synchronized (SealableResponse.this.lock) {
				if (!SealableResponse.this.sealed) {
					this.delegate.flush();
				}
			}
		}

		@Override
		public void close() throws IOException {
			synchronized (SealableResponse.this.lock) {
				if (!SealableResponse.this.sealed) {
					this.delegate.close();
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

	private final class SealableWriter extends Writer {

		private final Writer delegate;

		SealableWriter(Writer delegate) {
			this.delegate = delegate;
		}

		// Strings and single characters pass as they are: Writer's own versions copy each into a
		// char[] first, and a template engine writes a page as thousands of short strings.
		@Override
		public void write(String text, int offset, int length) throws IOException {
			synchronized (SealableResponse.this.lock) {
				if (!SealableResponse.this.sealed) {
					this.delegate.write(text, offset, length);
				}
			}
		}

		@Override
		public void write(int c) throws IOException {
			synchronized (SealableResponse.this.lock) {
				if (!SealableResponse.this.sealed) {
					this.delegate.write(c);
				}
			}
		}

		@Override
		public void write(char[] chars, int offset, int length) throws IOException {
			synchronized (SealableResponse.this.lock) {
				if (!SealableResponse.this.sealed) {
					this.delegate.write(chars, offset, length);
				}
			}
		}

		@Override
		public void flush() throws IOException {
			synchronized (SealableResponse.this.lock) {
				if (!SealableResponse.this.sealed) {
					this.delegate.flush();
				}
			}
		}

		@Override
		public void close() throws IOException {
			synchronized (SealableResponse.this.lock) {
				if (!SealableResponse.this.sealed) {
					this.delegate.close();
				}
			}
		}

	}

}
