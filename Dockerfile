# One image for every role; the command picks the role (see docker-compose.yml).

# Wetty Web, built once with the dev tools (vite) that the runtime image leaves out.
FROM node:20-bookworm-slim AS web
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
COPY client/package.json client/
COPY web/package.json web/
RUN npm ci --no-audit --no-fund
COPY client client
COPY web web
RUN npm run build:web

FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
# The api serves it at / (api/web/web-app.ts).
COPY --from=web /app/web/dist web/dist
ENV NODE_ENV=production
USER node
# api 3000 (+ ops 3300), realtime 3001 (+ ops 3100), workers ops 3200. Each role drains on SIGTERM.
EXPOSE 3000 3001 3100 3200 3300
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "api/main.ts"]
