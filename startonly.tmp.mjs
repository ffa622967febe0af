import './dist/chunks/start-6CA27480.js';
