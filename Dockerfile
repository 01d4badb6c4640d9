# One image for every role; the command picks the role (see docker-compose.yml).
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY . .
ENV NODE_ENV=production
USER node
# api 3000 (+ ops 3300), realtime 3001 (+ ops 3100), workers ops 3200. Each role drains on SIGTERM.
EXPOSE 3000 3001 3100 3200 3300
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "api/main.ts"]
