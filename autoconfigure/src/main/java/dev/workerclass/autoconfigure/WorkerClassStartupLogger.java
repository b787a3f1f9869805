package dev.workerclass.autoconfigure;

import dev.workerclass.workers.WorkerSettings;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;

/**
 * Says which model serves requests once the server is up, as gunicorn's "Using worker: gevent":
 * {@code Using worker class virtual (workers=1, worker-connections=1000, capacity=1000) on Tomcat}.
 */
class WorkerClassStartupLogger implements ApplicationListener<WebServerInitializedEvent> {

	private static final Log logger = LogFactory.getLog(WorkerClassStartupLogger.class);

	private final WorkerSettings settings;

	WorkerClassStartupLogger(WorkerSettings settings) {
		this.settings = settings;
	}

	@Override
	public void onApplicationEvent(WebServerInitializedEvent event) {
		if (event.getApplicationContext().getParent() != null) {
			return; // a management child context shares the workers; say it once
		}
		logger.info("Using worker class " + this.settings.describe() + " on " + EngineName.of(event.getWebServer()));
	}

}
